"""Starter topics for an international affairs and economics archive.

Plain data: a deployment may edit or delete any of them in the admin. Reversing the migration
removes the topics it added (by slug), with their links.
"""

from django.db import migrations

# (name, slug, description, rule, pattern, case_sensitive)
STARTER_TOPICS = [
    (
        "Diplomacy",
        "diplomacy",
        "Talks between governments: visits, summits, envoys, ambassadors, foreign ministers.",
        "any",
        "diplomacy, diplomat, diplomats, diplomatic, ambassador, ambassadors, envoy, envoys, "
        "foreign minister, foreign ministers, foreign ministry, secretary of state, state department, "
        "bilateral, summit, summits, embassy, embassies, consulate, talks with, peace talks",
        False,
    ),
    (
        "Trade and tariffs",
        "trade-and-tariffs",
        "Trade between countries: tariffs, duties, quotas, exports and imports, trade deals and disputes.",
        "any",
        "tariff, tariffs, trade deal, trade deals, trade agreement, trade talks, trade war, trade deficit, "
        "trade surplus, trade balance, trade dispute, free trade, exports, imports, export, import, quota, "
        "quotas, customs duty, customs duties, anti-dumping, dumping, GATT, WTO, World Trade Organization",
        False,
    ),
    (
        "Terrorism and security",
        "terrorism-and-security",
        "Terrorism, militancy, insurgency, armed attacks and security operations.",
        "any",
        "terrorism, terrorist, terrorists, militant, militants, militancy, insurgent, insurgents, insurgency, "
        "extremist, extremists, suicide bomber, suicide bombing, bombing, counterterrorism, counter-terrorism, "
        "security forces, armed attack, Taliban, TTP, Daesh, ISIS, Islamic State, Al-Qaeda, al Qaeda",
        False,
    ),
    (
        "Energy and oil",
        "energy-and-oil",
        "Oil, gas, power and their markets and producers.",
        "any",
        "oil, crude, petroleum, OPEC, natural gas, LNG, gas pipeline, pipeline, refinery, refineries, "
        "barrel, barrels, bpd, energy, electricity, power plant, nuclear power, renewable, renewables, "
        "solar, wind power, coal",
        False,
    ),
    (
        "Critical minerals and mining",
        "critical-minerals-and-mining",
        "Mining and the minerals industry needs: rare earths, lithium, copper, cobalt and the like.",
        "any",
        "critical minerals, rare earth, rare earths, mining, miner, miners, mines, lithium, cobalt, "
        "copper, nickel, graphite, antimony, tungsten, uranium, bauxite, iron ore, gold mine, Reko Diq",
        False,
    ),
    (
        "Afghanistan",
        "afghanistan",
        "Afghanistan and its affairs.",
        "any",
        "Afghanistan, Afghan, Afghans, Kabul, Kandahar, Taliban",
        False,
    ),
    (
        "India",
        "india",
        "India and its affairs.",
        "any",
        "India, Indian, Indians, New Delhi, Delhi, Mumbai, Bombay, Modi",
        False,
    ),
    (
        "China",
        "china",
        "China and its affairs.",
        "any",
        "China, Chinese, Beijing, Peking, Shanghai, Xi Jinping, yuan, renminbi",
        False,
    ),
    (
        "Pakistan",
        "pakistan",
        "Pakistan and its affairs.",
        "any",
        "Pakistan, Pakistani, Pakistanis, Islamabad, Karachi, Lahore, Rawalpindi",
        False,
    ),
    (
        "United States",
        "united-states",
        "The United States and its government.",
        "any",
        "United States, U.S., US, USA, Washington, White House, Congress, Pentagon, Americans",
        True,
    ),
    (
        "Middle East",
        "middle-east",
        "The Middle East and the Gulf.",
        "any",
        "Middle East, Gulf, Saudi Arabia, Saudi, Iran, Iranian, Iraq, Israel, Israeli, Gaza, Palestinian, "
        "Palestinians, Syria, Lebanon, Jordan, Egypt, Qatar, UAE, United Arab Emirates, Kuwait, Bahrain, "
        "Oman, Yemen, Abraham Accords",
        False,
    ),
    (
        "Investment",
        "investment",
        "Investment flows: foreign direct investment, stakes, acquisitions, funds and investors.",
        "any",
        "investment, investments, investor, investors, invest, invests, invested, foreign direct investment, "
        "FDI, acquisition, acquisitions, takeover, merger, joint venture, sovereign wealth fund",
        False,
    ),
    (
        "Currencies and crypto",
        "currencies-and-crypto",
        "Exchange rates, currencies, central-bank intervention, cryptocurrencies and digital money.",
        "regex",
        r"\b(currenc(y|ies)|exchange rates?|the (U\.S\. )?dollar|yen|euro|sterling|Swiss franc|rupee|yuan|"
        r"renminbi|devaluation|devalue[sd]?|forex|foreign exchange|crypto\w*|bitcoin|blockchain|stablecoins?|"
        r"digital currenc(y|ies)|CBDC)\b",
        False,
    ),
    (
        "Interest rates and central banks",
        "interest-rates-and-central-banks",
        "Monetary policy: central banks, interest rates, inflation.",
        "regex",
        # Case-insensitive, except the short names ("Fed" is also a verb).
        r"\b(central banks?|interest rates?|monetary policy|inflation|Federal Reserve|(?-i:Fed|ECB)|"
        r"Bundesbank|Bank of (Japan|England|France|Canada)|European Central Bank|State Bank of Pakistan|"
        r"Reserve Bank|discount rate|prime rates?|rate (cut|hike)s?)\b",
        False,
    ),
    (
        "Debt, IMF and aid",
        "debt-imf-and-aid",
        "Sovereign debt, loans and bailouts, the IMF and World Bank, foreign aid.",
        "any",
        "IMF, International Monetary Fund, World Bank, debt, debts, bailout, loan, loans, creditor, creditors, "
        "Paris Club, rescheduling, foreign aid, aid package, Eurobond, sovereign bond",
        False,
    ),
    (
        "Elections",
        "elections",
        "Elections, votes and referendums, parties and coalitions.",
        "any",
        "election, elections, electoral, by-election, voters, ballot, ballots, polling station, referendum, "
        "election campaign, opposition party, ruling party, coalition government, no-confidence vote, "
        "vote of confidence",
        False,
    ),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    for name, slug, description, rule, pattern, case_sensitive in STARTER_TOPICS:
        Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "rule": rule,
                "pattern": pattern,
                "case_sensitive": case_sensitive,
            },
        )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    Topic.objects.filter(slug__in=[slug for _, slug, *_ in STARTER_TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
