"""Boilerplate rules and field extraction, table-driven: what is furniture and what is prose, which
dates are publication dates, datelines, drop caps, headline lines and titles made from the lead."""

import datetime

import pytest

from articles.ingest.clean import boilerplate_rule, split_boilerplate
from articles.ingest.extract import ArticleFields, extract_fields, first_sentence, parse_date, title_from_lead
from articles.ingest.formats.json import read_record
from articles.ingest.people import RuleBasedExtractor


@pytest.mark.parametrize(
    "line",
    [
        "Share the latest news updates",
        "Share this article",
        "Share on X",
        "Follow us on\u00a0Google NewsInstagramYouTubeFacebook,Whats App, and\u00a0TikTok for latest updates",
        "Follow @meridian for breaking news",
        "Subscribe",
        "Sign up for our newsletter",
        "Join our WhatsApp channel",
        "Download the app for the latest updates",
        "Click here to read the full report",
        "Leave a comment",
        "Post a reply",
        "12 Comments",
        "Your email address will not be published. Required fields are marked *",
        "Exit mobile version",
        "Skip to content",
        "Advertisement",
        "Read:\u00a0Bushra Bibi Petitions IHC for Improved Prison Facilities",
        "Also read: Japan's exports rise for a fourth month",
        "READ MORE: Rupee hits two-month high",
        "RELATED: IMF mission arrives in Islamabad",
        "Facebook Twitter WhatsApp Email",
        "Facebook | X | LinkedIn",
        "https://example.com/story/123",
        "www.example.com",
        "© 2024 The Meridian Ledger. All rights reserved.",
        "Copyright 2025 Capital Wire",
        "We use cookies to improve your experience on our site.",
        "By continuing to browse, you agree to our use of cookies.",
        "By Staff Reporter",
        "By Jane Doe and Omar Ali",
        "By Courier staff · August 21, 2025",
        "By Amina Shah | Economics correspondent",
        "Tags: Pakistan, IMF, budget",
    ],
)
def test_boilerplate_lines_are_recognised(line):
    assert boilerplate_rule(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Share prices rose 3 percent on Monday after the announcement.",
        "Shares in Karachi fell.",
        "Follow-up talks are planned for May.",
        "Follow the money, the minister said.",
        "Strengthening Bilateral Ties",
        "A Promising Start",
        "Read the full statement below, officials said on Tuesday.",
        "Readers wrote in to complain about the tariff.",
        "Related parties must disclose their holdings, the regulator said.",
        "Copyright law reform was debated in parliament on Tuesday.",
        "By Monday, the talks had stalled.",
        "By the end of the year, exports had doubled.",
        "By 2030 exports would double, the minister said",
        "By 21 votes to 3, the committee approved it",
        "Get ready for a long fight now, the minister said.",
        "Subscribers to the service rose 5 percent.",
        "Twitter's owner said the platform would appeal.",
        "The comments drew criticism from opposition lawmakers.",
        "Sign-ups for the programme doubled in March.",
    ],
)
def test_prose_that_starts_like_boilerplate_is_kept(line):
    assert boilerplate_rule(line) is None


def test_removing_boilerplate_leaves_single_blank_lines():
    text = "Share this\n\nFirst paragraph.\n\nRead: Other story\n\n\n\nSecond paragraph.\n\nLeave a comment\n"
    assert split_boilerplate(text)[0] == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-08-06", datetime.date(2025, 8, 6)),
        ("2025-08-06T10:00:00+05:00", datetime.date(2025, 8, 6)),
        ("2025-08-06 23:59:00", datetime.date(2025, 8, 6)),
        ("August 6, 2025", datetime.date(2025, 8, 6)),
        ("Aug. 6, 2025", datetime.date(2025, 8, 6)),
        ("Sept 23, 2024", datetime.date(2024, 9, 23)),
        ("6 Aug 2025", datetime.date(2025, 8, 6)),
        ("7th August 2025", datetime.date(2025, 8, 7)),
        ("Wednesday, August 6, 2025", datetime.date(2025, 8, 6)),
        ("Wed, 06 Aug 2025 10:00:00 GMT", datetime.date(2025, 8, 6)),
        ("on Monday", None),
        ("last month", None),
        ("August 2025", None),
        ("2025", None),
        ("2025-02-30", None),
        ("Mayday 6, 2025", None),
        ("2025-08-061", None),
        ("", None),
    ],
)
def test_parse_date_reads_stated_dates_only(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("text", "published", "source"),
    [
        (" date 2025-08-06 Officials met on Monday.", datetime.date(2025, 8, 6), "header"),
        ("date 2025-04-08\n\nOfficials met last month.", datetime.date(2025, 4, 8), "header"),
        (
            "Talks resume\n\nPublished: August 6, 2025\n\nOfficials met.",
            datetime.date(2025, 8, 6),
            "published-line",
        ),
        (
            "Talks resume\n\nPublished on 6 Aug 2025 10:42 PM\n\nOfficials met.",
            datetime.date(2025, 8, 6),
            "published-line",
        ),
        (
            "Officials met.\n\nPublished in Dawn, August 7th, 2025",
            datetime.date(2025, 8, 7),
            "published-line",
        ),
        ("https://news.example/2025/08/06/talks\n\nOfficials met.", datetime.date(2025, 8, 6), "url"),
        ("https://news.example/talks-2025-08-06\n\nOfficials met.", datetime.date(2025, 8, 6), "url"),
        ("Officials met on Monday and again last month, in August 2025.", None, ""),
        ("Officials met on 6 August 2025 to sign the deal.", None, ""),
        ("The report was published on Monday.", None, ""),
    ],
)
def test_the_publication_date_comes_from_where_it_is_stated(text, published, source):
    fields = extract_fields(text)
    assert (fields.published, fields.date_source) == (published, source)
    assert "Published" not in fields.body


def test_known_metadata_wins_over_the_text():
    known = ArticleFields(
        title="Known", published=datetime.date(2024, 1, 2), date_source="metadata", dateline="Doha"
    )
    fields = extract_fields(" date 2025-08-06 KARACHI: Officials met.", known)
    assert (fields.title, fields.published, fields.date_source, fields.dateline) == (
        "Known",
        datetime.date(2024, 1, 2),
        "metadata",
        "Doha",
    )
    assert fields.body == "Officials met."


@pytest.mark.parametrize(
    ("text", "dateline", "body"),
    [
        ("ISLAMABAD: Officials met.", "Islamabad", "Officials met."),
        ("WASHINGTON, Aug 6 (Reuters) - Officials met.", "Washington", "Officials met."),
        ("KARACHI -- Officials met.", "Karachi", "Officials met."),
        ("NEW DELHI: Officials met.", "New Delhi", "Officials met."),
        ("ST. PETERSBURG, Russia — Officials met.", "St. Petersburg", "Officials met."),
        ("- A summary bullet\n\nLAHORE: Officials met.", "Lahore", "- A summary bullet\n\nOfficials met."),
        ("US-Pakistan ties improved, officials said.", "", "US-Pakistan ties improved, officials said."),
        ("BREAKING: Officials met.", "", "BREAKING: Officials met."),
        (
            "Officials met in ISLAMABAD: the talks went well.",
            "",
            "Officials met in ISLAMABAD: the talks went well.",
        ),
    ],
)
def test_a_dateline_is_taken_off_the_lead(text, dateline, body):
    fields = extract_fields(text)
    assert (fields.dateline, fields.body) == (dateline, body)


def test_a_headline_shaped_like_a_dateline_stays_the_title():
    fields = extract_fields(
        "ECONOMIC SPOTLIGHT - BANKAMERICA <BAC>\n\nBankAmerica Corp is not under pressure."
    )
    assert fields.title == "ECONOMIC SPOTLIGHT - BANKAMERICA <BAC>"
    assert (fields.dateline, fields.body) == ("", "BankAmerica Corp is not under pressure.")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("DEPUTY Prime Minister Ishaq Dar spoke.", "Deputy Prime Minister Ishaq Dar spoke."),
        ("THE government said on Monday it would act.", "The government said on Monday it would act."),
        ("US officials said the talks went well.", "US officials said the talks went well."),
        ("IMF staff reached an agreement.", "IMF staff reached an agreement."),
        ("NATO allies met in Brussels.", "NATO allies met in Brussels."),
        (
            "PAKSTAT figures, released by PAKSTAT on Monday, showed growth.",
            "PAKSTAT figures, released by PAKSTAT on Monday, showed growth.",
        ),
    ],
)
def test_a_drop_cap_word_is_lowered_and_acronyms_are_kept(text, body):
    assert extract_fields(text).body == body


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Talks resume in Doha\n\nOfficials met on Tuesday.", "Talks resume in Doha"),
        # Text right under a short line: a hard-wrapped sentence as likely as a headline, so body.
        ("Talks resume in Doha\nOfficials met on Tuesday.", None),
        ("Standard Oil Co and BP North America\nInc said they plan to form a venture.", None),
        ("U.S. Agriculture Secretary Richard\nLyng said on Monday that talks went on.", None),
        # ... unless the next line opens something new: a dateline, a bullet.
        (
            "Talks resume in Doha\nDOHA: Officials from both sides met on Tuesday after a pause.",
            "Talks resume in Doha",
        ),
        ("Will the tariff truce hold?\n\nOfficials met.", "Will the tariff truce hold?"),
        ("Officials met in Doha on Tuesday.\n\nThey agreed.", "Officials met in Doha on Tuesday"),
        ("Officials from both countries met in the Qatari capital\non Tuesday to resume talks.", None),
        ("Editorial\n\nOfficials met in Doha.", None),
        ("Talks resume in Doha", "Talks resume in Doha"),
        ("Share this article\n\nTalks resume in Doha\n\nOfficials met.", "Talks resume in Doha"),
        ("https://news.example/x\nTalks resume in Doha\n\nOfficials met.", "Talks resume in Doha"),
        (
            "- Bullet one\n- Bullet two\n\nOfficials met in Doha on Tuesday.",
            "Officials met in Doha on Tuesday",
        ),
    ],
)
def test_a_headline_line_is_the_title_otherwise_the_lead_is(text, title):
    fields = extract_fields(text)
    if title is None:  # no headline line: the title is the lead and the body keeps every line
        assert fields.body.startswith(fields.title)
    else:
        assert fields.title == title
    assert fields.body


def test_a_long_lead_is_shortened_at_a_word_boundary():
    lead = "Finance ministers from the Group of 20 ended two days of talks on Sunday " * 3
    title = title_from_lead([lead.strip() + "."])
    assert len(title) <= 120 and title.endswith("…")
    assert lead.startswith(title[:-1] + " ")


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Mr. Dar met Mr. Rubio. They spoke.", "Mr. Dar met Mr. Rubio."),
        ("The U.S. and Pakistan agreed. Talks go on.", "The U.S. and Pakistan agreed."),
        ("Asim M. Munir arrived. He spoke.", "Asim M. Munir arrived."),
        ("“We agree,” he said. Talks go on.", "“We agree,” he said."),
        ("Exports rose 3.1 percent in 2024. Imports fell.", "Exports rose 3.1 percent in 2024."),
        ("No full stop at all", "No full stop at all"),
    ],
)
def test_first_sentence_is_not_fooled_by_abbreviations(text, sentence):
    assert first_sentence(text) == sentence


def test_one_line_paragraphs_and_hard_wrapped_ones_are_both_understood():
    one_per_line = "\n".join(
        ["A long paragraph that runs on and on for well over a hundred characters " * 2] * 3
    )
    assert extract_fields(one_per_line).body.count("\n\n") == 2
    wrapped = (
        "Officials from both countries met in the Qatari capital\non Tuesday to resume talks\nstalled in May."
    )
    assert extract_fields(wrapped).body == (
        "Officials from both countries met in the Qatari capital on Tuesday to resume talks stalled in May."
    )


def test_a_hard_wrapped_lead_under_a_record_title_keeps_its_words_and_its_person():
    text = (
        "U.S. Agriculture Secretary Richard\nLyng said the department would not\n"
        "offer an export subsidy to the Soviet Union.\n"
    )
    draft = read_record({"title": "LYNG SEES NO SUBSIDY OFFER", "text": text}, "feed.jsonl", 1, "line")
    assert draft.body.startswith("U.S. Agriculture Secretary Richard Lyng said")
    assert "Richard Lyng" in {mention.name for mention in RuleBasedExtractor().extract(draft.body)}
