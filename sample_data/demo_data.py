"""The fixed cast and scenery of the demo agency built by `manage.py seed_demo`.

Plain data only, kept apart from the code that plays it out (sample_data/demo_seed.py) so the story
can be read and tuned in one place. Every email address and website uses the reserved `.example`
top-level domain (RFC 2606): the follow-up engine may send mail to these people, and it must never
reach anyone real.
"""

from __future__ import annotations

from typing import NamedTuple

AGENCY = "Brightpath Talent"
DEMO_PASSWORD = "demo-pass-2026"
RANDOM_SEED = 2026
CANDIDATE_COUNT = 600


class Login(NamedTuple):
    username: str
    first_name: str
    last_name: str
    role: str
    time_zone: str
    sees: str


ADMIN = Login(
    "admin",
    "Jordan",
    "Ellis",
    "admin",
    "Europe/London",
    "cadences, message templates, the outbox, system status and Django admin",
)
RECRUITERS = (
    Login(
        "maya",
        "Maya",
        "Okafor",
        "recruiter",
        "America/New_York",
        "candidates, timelines, promises and check-in flags; owns engineering roles",
    ),
    Login(
        "sam",
        "Sam",
        "Whitfield",
        "recruiter",
        "America/Chicago",
        "candidates, timelines, promises and check-in flags; owns sales, ops and finance roles",
    ),
    Login(
        "priya",
        "Priya",
        "Raman",
        "recruiter",
        "Europe/London",
        "candidates, timelines, promises and check-in flags; owns product, design and data roles",
    ),
)


class CompanySpec(NamedTuple):
    key: str
    name: str
    domain: str
    time_zone: str
    location: str


COMPANIES = (
    CompanySpec(
        "northwind",
        "Northwind Robotics",
        "northwindrobotics.example",
        "America/Los_Angeles",
        "San Jose, CA",
    ),
    CompanySpec(
        "halcyon", "Halcyon Health", "halcyonhealth.example", "America/New_York", "Boston, MA"
    ),
    CompanySpec(
        "bluefin", "Bluefin Logistics", "bluefinlogistics.example", "Europe/London", "Manchester"
    ),
    CompanySpec(
        "copperleaf", "Copperleaf Energy", "copperleaf.example", "America/Denver", "Denver, CO"
    ),
    CompanySpec("lumen", "Lumen Payments", "lumenpay.example", "Europe/Berlin", "Berlin"),
    CompanySpec(
        "tidewater",
        "Tidewater Analytics",
        "tidewater-analytics.example",
        "America/Chicago",
        "Chicago, IL",
    ),
    CompanySpec("kestrel", "Kestrel Games", "kestrelgames.example", "Europe/Dublin", "Dublin"),
    CompanySpec(
        "orchard", "Orchard Grocery Co.", "orchardgrocery.example", "Australia/Sydney", "Sydney"
    ),
)


class LeaderSpec(NamedTuple):
    company: str
    first_name: str
    last_name: str
    job_title: str
    # The username of the leader's login, or "" for leaders who only get email.
    username: str = ""


LEADERS = (
    LeaderSpec("northwind", "Dana", "Kim", "VP Engineering", "dana"),
    LeaderSpec("northwind", "Marcus", "Bell", "Director of Hardware"),
    LeaderSpec("northwind", "Ines", "Duarte", "Head of People"),
    LeaderSpec("halcyon", "Lee", "Harper", "Chief Medical Information Officer", "lee"),
    LeaderSpec("halcyon", "Rachel", "Stein", "Director of Product"),
    LeaderSpec("halcyon", "Tomás", "Rivera", "Head of Data"),
    LeaderSpec("bluefin", "Gemma", "Wright", "Operations Director"),
    LeaderSpec("bluefin", "Callum", "Fraser", "Head of Engineering"),
    LeaderSpec("copperleaf", "Hannah", "Osei", "VP Finance"),
    LeaderSpec("copperleaf", "Victor", "Lindqvist", "Director of Field Operations"),
    LeaderSpec("copperleaf", "Aisha", "Bello", "Head of Sustainability"),
    LeaderSpec("lumen", "Jonas", "Becker", "CTO"),
    LeaderSpec("lumen", "Sofia", "Marchetti", "Head of Risk"),
    LeaderSpec("tidewater", "Ethan", "Brooks", "VP Sales"),
    LeaderSpec("tidewater", "Mei", "Tanaka", "Director of Data Science"),
    LeaderSpec("kestrel", "Aoife", "Byrne", "Studio Director"),
    LeaderSpec("kestrel", "Niall", "Kavanagh", "Lead Producer"),
    LeaderSpec("orchard", "Olivia", "Nguyen", "Head of Digital"),
    LeaderSpec("orchard", "Jack", "Mitchell", "Supply Chain Director"),
    LeaderSpec("orchard", "Priyanka", "Shah", "Head of Customer Experience"),
)


class RequisitionSpec(NamedTuple):
    leader: str  # "First Last" of the hiring leader
    title: str
    recruiter: str  # username
    status: str  # open, on_hold, filled, cancelled
    reason: str = ""
    openings: int = 1


ON_HOLD = "on_hold"
FILLED = "filled"
CANCELLED = "cancelled"
OPEN = "open"

REQUISITIONS = (
    # Dana Kim (login "dana") sees a role in every state.
    RequisitionSpec("Dana Kim", "Senior Backend Engineer (Python)", "maya", OPEN, openings=2),
    RequisitionSpec("Dana Kim", "Staff Robotics Software Engineer", "maya", OPEN),
    RequisitionSpec("Dana Kim", "Engineering Manager, Autonomy", "maya", OPEN),
    RequisitionSpec(
        "Dana Kim",
        "Site Reliability Engineer",
        "maya",
        ON_HOLD,
        "Budget frozen until the Q3 planning review; Dana expects an answer in three weeks.",
    ),
    RequisitionSpec("Dana Kim", "Embedded Firmware Engineer", "maya", FILLED),
    RequisitionSpec("Marcus Bell", "Hardware Test Engineer", "maya", OPEN),
    RequisitionSpec("Marcus Bell", "Mechanical Design Engineer", "maya", FILLED),
    RequisitionSpec("Ines Duarte", "People Partner", "sam", OPEN),
    # Lee Harper (login "lee").
    RequisitionSpec("Lee Harper", "Clinical Informatics Lead", "priya", OPEN),
    RequisitionSpec("Lee Harper", "Product Designer, Patient App", "priya", OPEN),
    RequisitionSpec("Lee Harper", "Senior Data Engineer", "maya", OPEN),
    RequisitionSpec("Lee Harper", "EHR Integration Engineer", "maya", FILLED),
    RequisitionSpec(
        "Lee Harper",
        "Healthcare Compliance Analyst",
        "sam",
        CANCELLED,
        "Role absorbed into the legal team after the re-organisation.",
    ),
    RequisitionSpec("Rachel Stein", "Senior Product Manager", "priya", OPEN),
    RequisitionSpec("Tomás Rivera", "Analytics Engineer", "priya", OPEN),
    RequisitionSpec("Gemma Wright", "Warehouse Operations Manager", "sam", OPEN),
    RequisitionSpec("Gemma Wright", "Transport Planner", "sam", FILLED),
    RequisitionSpec(
        "Gemma Wright",
        "Night Shift Supervisor",
        "sam",
        ON_HOLD,
        "New depot opening slipped to next quarter; hiring resumes when the lease is signed.",
    ),
    RequisitionSpec("Callum Fraser", "Platform Engineer (Go)", "maya", OPEN),
    RequisitionSpec("Callum Fraser", "QA Automation Engineer", "maya", OPEN),
    RequisitionSpec("Hannah Osei", "Financial Controller", "sam", OPEN),
    RequisitionSpec("Hannah Osei", "FP&A Analyst", "sam", FILLED),
    RequisitionSpec("Victor Lindqvist", "Field Service Technician", "sam", OPEN, openings=3),
    RequisitionSpec(
        "Aisha Bello",
        "ESG Reporting Manager",
        "priya",
        CANCELLED,
        "Copperleaf decided to promote internally after the interim lead did well.",
    ),
    RequisitionSpec("Jonas Becker", "Staff Security Engineer", "maya", OPEN),
    RequisitionSpec("Jonas Becker", "Senior Frontend Engineer (React)", "maya", OPEN),
    RequisitionSpec(
        "Jonas Becker",
        "Mobile Engineer (iOS)",
        "maya",
        ON_HOLD,
        "Waiting on the board to approve the mobile roadmap; Jonas will confirm by month end.",
    ),
    RequisitionSpec("Sofia Marchetti", "Fraud Analyst", "sam", OPEN),
    RequisitionSpec("Sofia Marchetti", "Head of Compliance", "sam", FILLED),
    RequisitionSpec("Ethan Brooks", "Enterprise Account Executive", "sam", OPEN, openings=2),
    RequisitionSpec("Ethan Brooks", "Sales Development Representative", "sam", OPEN),
    RequisitionSpec(
        "Ethan Brooks",
        "Sales Operations Manager",
        "sam",
        CANCELLED,
        "Funding round delayed; Tidewater paused all non-revenue hiring.",
    ),
    RequisitionSpec("Mei Tanaka", "Machine Learning Engineer", "priya", OPEN),
    RequisitionSpec("Mei Tanaka", "Data Scientist, Forecasting", "priya", OPEN),
    RequisitionSpec("Aoife Byrne", "Senior Game Designer", "priya", OPEN),
    RequisitionSpec(
        "Niall Kavanagh",
        "Technical Artist",
        "priya",
        ON_HOLD,
        "Project greenlight moved; Niall is waiting for the publisher's milestone sign-off.",
    ),
    RequisitionSpec("Niall Kavanagh", "Gameplay Programmer (C++)", "maya", OPEN),
    RequisitionSpec("Olivia Nguyen", "UX Researcher", "priya", OPEN),
    RequisitionSpec(
        "Jack Mitchell",
        "Demand Planner",
        "sam",
        ON_HOLD,
        "Head office restructure; Jack has asked us to pause until the new org chart is out.",
    ),
    RequisitionSpec("Priyanka Shah", "Customer Support Team Lead", "sam", OPEN),
    RequisitionSpec(
        "Priyanka Shah",
        "Community Manager",
        "priya",
        CANCELLED,
        "Work outsourced to an agency instead of hiring.",
    ),
)

# Start dates of placements, in days from today: hires who started about 90, 60 and 30 days ago
# (their check-ins are due), one who started last week, and some who start soon.
FILLED_START_OFFSETS = (-90, -60, -30, -7, 5, 14)


class CheckInAnswer(NamedTuple):
    """A check-in already gone, answered: `theme` is what the recruiter tagged on review ("" =
    not reviewed yet, a flag waiting in Today); `solved` the 90-day "did the hire solve it"."""

    start_offset: int
    day: int
    audience: str
    score: int
    comment: str
    concern: bool = False
    theme: str = ""
    solved: str = ""


# What the hires who started 90 and 60 days ago, and their leaders, answered.
POST_HIRE_ANSWERS = (
    CheckInAnswer(-90, 30, "new_hire", 4, "Great team. Still finding my way around the build."),
    CheckInAnswer(-90, 30, "hiring_leader", 4, "Settling in well and asks good questions."),
    CheckInAnswer(
        -90,
        60,
        "new_hire",
        2,
        "My onboarding buddy left and nobody owns my ramp-up plan now.",
        concern=True,
        theme="onboarding",
    ),
    CheckInAnswer(
        -90,
        60,
        "hiring_leader",
        2,
        "Good work, but much slower than we hoped on the bootloader.",
        theme="other",
    ),
    CheckInAnswer(
        -90,
        90,
        "hiring_leader",
        4,
        "Owns the bootloader now; the release backlog still lands on my desk.",
        solved="partly",
    ),
    CheckInAnswer(
        -60,
        30,
        "new_hire",
        2,
        "The role is more CAD drafting than the design work we discussed.",
        concern=True,
        theme="role_mismatch",
    ),
    CheckInAnswer(-60, 30, "hiring_leader", 2, "Needs more guidance than I expected."),
)

# Open roles with several openings already have one hire, starting in a few weeks.
OPEN_ROLE_START_OFFSETS = (21, 35, 45)

# Word lists read better as prose than as a column of 170 literals.
FIRST_NAMES = (  # noqa: SIM905
    "Aaliyah Aarav Abigail Adaeze Adam Adrian Ahmed Aiden Akira Alejandro Alex Alexis Alice "
    "Amara Amelia Ana Andre Andrea Andrew Aniket Anna Arjun Astrid Ava Ayesha Beatriz Ben "
    "Bianca Bilal Bruno Caleb Camila Carlos Carmen Catalina Charlotte Chen Chidi Chloe Chris "
    "Claire Connor Daniel Daniela David Deepa Diego Dmitri Eleanor Elena Eli Elif Emeka Emily "
    "Emma Erik Esther Ethan Eva Fatima Felix Finn Freya Gabriel Grace Hana Hannah Hassan "
    "Helena Hiro Ibrahim Ingrid Isaac Isabel Ivan Jade Jamal James Jasmine Javier Jin Joao "
    "Joseph Joshua Julia Kai Karan Kate Kenji Kevin Kofi Lars Laura Leah Leila Liam Lina "
    "Lucas Lucia Luis Luka Maria Mateo Matteo Maya Mei Mia Miguel Mina Mohammed Nadia Naomi "
    "Nathan Nia Nikhil Nina Noah Nora Oliver Omar Oscar Pablo Paul Pedro Priya Rafael Rahul "
    "Ravi Rebecca Riya Rosa Ruth Ryan Samuel Santiago Sara Sebastian Seo-yeon Shreya Simone "
    "Sofia Sophie Stefan Sunita Tariq Theo Thomas Valentina Victor Wei Xavier Yara Yusuf "
    "Zainab Zara Zoe"
).split()

LAST_NAMES = (  # noqa: SIM905
    "Abbott Acheampong Adeyemi Ahmed Alvarez Andersen Anderson Bailey Baker Banerjee Barros "
    "Bauer Bennett Bianchi Brennan Brown Campbell Carter Castillo Chan Chatterjee Chen Clarke "
    "Cohen Collins Cooper Costa Cruz Das Davies Delgado Diaz Dubois Edwards Evans Fernandes "
    "Fischer Flores Foster Garcia Gomez Gonzalez Gupta Hall Hansen Harris Hayes Hernandez Hill "
    "Ho Hoffmann Hughes Hussain Ibrahim Ito Iyer Jackson Jansen Johansson Johnson Jones Joshi "
    "Kaur Kelly Khan Kim Kowalski Kumar Larsen Lee Lewis Li Lim Lopez Mahmoud Martin Martinez "
    "Mendes Menon Meyer Moreno Morris Murphy Nakamura Nel Nielsen Novak Nwosu Obi Okeke "
    "Oliveira Ortiz Owusu Park Patel Pereira Perez Petrov Phillips Popescu Quinn Ramirez Reddy "
    "Reyes Richter Roberts Rodriguez Romero Rossi Russo Saito Sanchez Santos Schmidt Schneider "
    "Scott Sharma Silva Singh Smith Sorensen Suzuki Takahashi Taylor Thomas Thompson Torres "
    "Tran Turner Vargas Verma Wagner Walker Wang Watanabe Weber Williams Wilson Wong Wood Wu "
    "Yamamoto Yang Yilmaz Young Zhang Zhou"
).split()

EMAIL_DOMAINS = ("mail.example", "inbox.example", "post.example", "fastmail.example")

CANDIDATE_LOCATIONS = (
    ("San Francisco, CA", "America/Los_Angeles"),
    ("Seattle, WA", "America/Los_Angeles"),
    ("Austin, TX", "America/Chicago"),
    ("Chicago, IL", "America/Chicago"),
    ("Denver, CO", "America/Denver"),
    ("New York, NY", "America/New_York"),
    ("Boston, MA", "America/New_York"),
    ("Toronto, ON", "America/Toronto"),
    ("London", "Europe/London"),
    ("Manchester", "Europe/London"),
    ("Dublin", "Europe/Dublin"),
    ("Berlin", "Europe/Berlin"),
    ("Amsterdam", "Europe/Amsterdam"),
    ("Lisbon", "Europe/Lisbon"),
    ("Sydney", "Australia/Sydney"),
    ("Remote", ""),
)

HEADLINE_ROLES = (
    "Backend Engineer",
    "Software Engineer",
    "Engineering Manager",
    "Data Engineer",
    "Data Scientist",
    "Product Manager",
    "Product Designer",
    "UX Researcher",
    "Site Reliability Engineer",
    "Security Engineer",
    "Account Executive",
    "Operations Manager",
    "Financial Analyst",
    "Supply Chain Planner",
    "Game Designer",
    "Support Team Lead",
)
HEADLINE_EMPLOYERS = (
    "a Series B fintech",
    "a global logistics firm",
    "a hospital network",
    "a games studio",
    "a retail chain",
    "an energy utility",
    "a SaaS scale-up",
    "a consultancy",
    "a robotics start-up",
    "a public-sector agency",
)

# (source, weight) — roughly what a busy agency sees.
SOURCES = (
    ("linkedin", 34),
    ("job_board", 18),
    ("referral", 15),
    ("careers_site", 12),
    ("database", 10),
    ("event", 6),
    ("other", 5),
)

# How far active applications get, as (stage, weight): a pipeline is a funnel.
ACTIVE_STAGE_WEIGHTS = (
    ("sourced", 24),
    ("contacted", 20),
    ("screened", 16),
    ("submitted", 13),
    ("interviewing", 11),
    ("offer", 4),
)

REJECTION_REASONS = (
    "Not enough hands-on experience with the core stack.",
    "Salary expectations well above the band for the role.",
    "Hiring manager preferred a finalist with domain experience.",
    "Did not pass the technical exercise.",
    "Needs visa sponsorship the client cannot offer.",
    "Communication in the panel interview was not strong enough for a client-facing role.",
)
WITHDRAWAL_REASONS = (
    "Accepted another offer.",
    "Counter-offered by current employer and decided to stay.",
    "Relocation is not possible for family reasons.",
    "Wants a fully remote role.",
    "Stopped responding after three follow-ups.",
)
FILLED_ELSEWHERE_REASON = "Role filled by another candidate."
CANCELLED_ROLE_REASON = "Requisition cancelled by the client."

INTAKE_NOTES = (
    "Must-haves agreed at intake: {skill}, ownership of production systems, clear written "
    "communication. Nice to have: mentoring experience. Interview loop: screen, technical, "
    "panel, {leader} final."
)
SKILLS = (
    "Python and PostgreSQL",
    "C++ and real-time systems",
    "stakeholder management",
    "SQL and dbt",
    "React and TypeScript",
    "Go and Kubernetes",
    "month-end close",
    "enterprise SaaS sales",
    "warehouse management systems",
    "Unreal Engine",
)

CANDIDATE_CALLS = (
    "Intro call about the {title} role",
    "Screening call: strong on {skill}, notice period four weeks",
    "Prep call before the {company} interview",
    "Debrief after the {company} interview",
    "Left a voicemail about the {title} role",
    "Catch-up call: still interested, wants an update next week",
)
CANDIDATE_EMAILS = (
    "Sent the {title} job description",
    "Followed up on interview availability",
    "Shared feedback from {company}",
    "Sent the interview schedule for {company}",
    "Asked for an updated CV",
)
CANDIDATE_MEETINGS = (
    "Coffee chat about career goals",
    "Video call to walk through the {company} offer",
    "Met at a meetup; interested in {title}",
)
CANDIDATE_NOTES = (
    "Prefers hybrid, at most three days a week in the office.",
    "Salary expectation discussed; within band for {title}.",
    "Has a competing process at another company; move quickly.",
    "Great referral from a placed candidate.",
    "Open to relocating for the right role.",
    "Available to start after a four-week notice period.",
)
CANDIDATE_MESSAGES = (
    "LinkedIn InMail introducing the {title} role",
    "Text to confirm tomorrow's interview time",
    "Sent a status update on {title}",
)

# For people in the talent pool, not in any pipeline yet.
TALENT_POOL_ACTIVITIES = (
    ("call", "Catch-up call: happy where they are, open to hearing about senior roles"),
    ("email", "Sent our quarterly market update"),
    ("meeting", "Coffee chat about career goals"),
    ("note", "Strong profile; keep in mind for platform roles next quarter."),
    ("message", "LinkedIn message: congratulated them on the promotion"),
    ("note", "Referred by a placed candidate; not looking until the spring."),
)

LEADER_CALLS = (
    "Intake call for {title}",
    "Weekly pipeline update for {title}",
    "Calibration call: reviewed the first three profiles for {title}",
    "Debrief after the onsite interviews for {title}",
)
LEADER_EMAILS = (
    "Sent a shortlist of four profiles for {title}",
    "Weekly update: pipeline for {title}",
    "Shared market data on salaries for {title}",
)
LEADER_MEETINGS = (
    "Quarterly hiring plan review",
    "Interview training session for the {title} panel",
)

CANDIDATE_PROMISES = (
    "Call {first} with feedback from {company}",
    "Send {first} the interview schedule for {title}",
    "Send {first} the offer details for {title}",
    "Check in with {first} after the final interview",
    "Introduce {first} to the hiring team at {company}",
)
# The earliest stage at which a line about a candidate can be true: nobody at "sourced" has
# had a debrief, an interview schedule or an offer. Lines not named here fit any stage.
CANDIDATE_WORDS_FROM = {
    "Screening call: strong on {skill}, notice period four weeks": "contacted",
    "Prep call before the {company} interview": "interviewing",
    "Debrief after the {company} interview": "interviewing",
    "Followed up on interview availability": "submitted",
    "Shared feedback from {company}": "submitted",
    "Sent the interview schedule for {company}": "interviewing",
    "Video call to walk through the {company} offer": "offer",
    "Text to confirm tomorrow's interview time": "interviewing",
    "Call {first} with feedback from {company}": "submitted",
    "Send {first} the interview schedule for {title}": "interviewing",
    "Send {first} the offer details for {title}": "offer",
    "Check in with {first} after the final interview": "interviewing",
    "Introduce {first} to the hiring team at {company}": "interviewing",
}
# Promises to a candidate not yet put forward, when none of CANDIDATE_PROMISES fits yet.
EARLY_CANDIDATE_PROMISES = (
    "Send {first} the job description for {title}",
    "Call {first} back about the {title} role",
)

LEADER_PROMISES = (
    "Send {first} three more profiles for {title}",
    "Update {first} on the {title} shortlist",
    "Book a calibration call with {first} about {title}",
    "Share salary benchmarks for {title} with {first}",
)
