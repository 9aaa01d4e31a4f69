"""The "editor" group: curators who may add, change, delete and view the archive's records.

It gets no permission on users or groups, so an editor cannot manage accounts. Permissions are
normally created by a post_migrate signal, after every migration has run; on a fresh database they
do not exist yet here, so they are created with the same codenames and names Django would give them
(post_migrate then finds them and adds nothing).
"""

from django.db import migrations

GROUP = "editor"
ACTIONS = ("add", "change", "delete", "view")


def create_editor_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = []
    for model in apps.get_app_config("articles").get_models():
        opts = model._meta
        content_type, _ = ContentType.objects.get_or_create(app_label=opts.app_label, model=opts.model_name)
        for action in ACTIONS:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{opts.model_name}",
                defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
            )
            permissions.append(permission)
    group.permissions.add(*permissions)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_starter_topics"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
