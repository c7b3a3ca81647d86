# ruff: noqa: E501 - a data file: the labelled answers read best one to a line
"""A labelled set of written answers to the shipped framework's tasks (ai-fluency-4d).

Each entry: (item key, category, answer, points a careful human marker gives, 0-3). Prompt
rewrites are texts; error-spotting answers are marks {sentence number: what is wrong} (or a
text, for answers written before sentences could be marked). Categories: good, partial,
vague, copied, keywords, negation, offtopic. Copied, keywords and negation are adversarial:
none may score above 1 point without going to review.

Labels were set by reading each answer against the rubric or the planted errors, before the
scorer's figures were looked at; they are not tuned to the scorer.
"""

ADVERSARIAL = {"copied", "keywords", "negation"}

PR1 = "des-pr-01"  # "Make a presentation about our new expenses policy."
PR2 = "des-pr-02"  # "Look at the support inbox and sort out the important stuff."

PROMPT_REWRITE = [
    # --- des-pr-01: good
    (
        PR1,
        "good",
        "Create a 10-slide presentation for all staff explaining the new expenses policy that starts on 1 March. The main changes are that receipts must be uploaded within 30 days and hotel limits drop to 150 euros a night. Keep the tone friendly and avoid legal jargon. Give me a slide-by-slide outline with a title, three bullet points and speaker notes for each slide. If anything about the policy is unclear, list your questions at the end instead of guessing.",
        3,
    ),
    (
        PR1,
        "good",
        "You are helping the finance team brief new managers. Goal: managers should understand what changed in the expenses policy and how to approve claims under it. Background: we replaced paper forms with an expenses app and introduced a daily meal allowance of 40 euros. Constraints: no more than 8 slides, plain language. Output: an outline with slide titles and speaker notes.",
        3,
    ),
    (
        PR1,
        "good",
        "Draft a presentation for our sales team, who travel a lot and will be most affected. The policy changed because auditors found too many late claims, so claims now have to be filed within two weeks. Maximum 12 slides, with one slide of examples. Return it as a table: slide number, title, key message, speaker notes.",
        3,
    ),
    (
        PR1,
        "good",
        "I need a short deck to present at Thursday's all-hands so that employees know how to claim expenses under the new rules. Context: mileage rates went up and taxis now need pre-approval. Keep it to 6 slides and 10 minutes. Format: slide titles with bullet points. Ask me if you need the exact rates rather than making them up.",
        3,
    ),
    (
        PR1,
        "good",
        "Prepare slides introducing the new expenses policy to department heads. They need to know what changed (new approval thresholds and the move to monthly submission) and what they must do differently. Use a formal but clear tone and leave out the detailed tax rules. A finished answer is an outline of no more than 10 slides with speaker notes for each.",
        3,
    ),
    (
        PR1,
        "good",
        "Audience: every employee, many of whom never read the old policy. Purpose: explain the three changes in the new expenses policy and where to get help. Limit it to 8 slides and avoid finance jargon. Structure each slide as a heading plus two or three bullets. Flag any point where you are missing information.",
        3,
    ),
    (
        PR1,
        "good",
        "Write a presentation outline for the operations team on the new expenses policy, which takes effect next month and replaces the 2019 version. Each slide should have a title and speaker notes. Keep it under 15 minutes and don't include anything about payroll. If you are unsure about a rule, mark it with a question for me.",
        3,
    ),
    (
        PR1,
        "good",
        "We rolled out a new expenses policy because travel costs rose 20% last year. Make a presentation for new starters that explains how to submit a claim, what is covered and what is not. Keep it friendly and short, at most 7 slides. Give a slide-by-slide outline.",
        3,
    ),
    (
        PR1,
        "good",
        "Please build a deck that team leads can present to their teams in their next meeting. What's new: the per-night hotel cap, the end of cash advances and a new approval step for anything over 500 euros. It should take no longer than 15 minutes to present. For every slide give me the headline and what the presenter should say.",
        3,
    ),
    (
        PR1,
        "good",
        "Make a presentation for the whole company about the new expenses policy so that people stop submitting claims late. The policy now requires receipts within 30 days. Keep it to five slides with a title and two bullet points each.",
        3,
    ),
    # --- des-pr-01: partial
    (
        PR1,
        "partial",
        "Make a presentation for all employees about our new expenses policy, slide by slide with titles and notes.",
        2,
    ),
    (
        PR1,
        "partial",
        "Create a presentation about the new expenses policy, no more than 8 slides, in plain language, for the finance team.",
        2,
    ),
    (
        PR1,
        "partial",
        "Make a presentation about our new expenses policy. The policy changed in January: meals are now capped at 30 euros and receipts are needed for everything. Keep it under 10 slides.",
        2,
    ),
    (
        PR1,
        "partial",
        "Prepare a presentation on the new expenses policy as an outline with a heading and three bullet points per slide. If you don't know a detail, ask me instead of guessing.",
        2,
    ),
    (
        PR1,
        "partial",
        "Explain our new expenses policy to managers in a presentation; the main change is that they now approve claims within 5 days.",
        2,
    ),
    (
        PR1,
        "partial",
        "Presentation on the new expenses policy for the sales team. Avoid jargon and keep it short.",
        2,
    ),
    (PR1, "partial", "Make a presentation about our new expenses policy for all staff.", 1),
    (PR1, "partial", "Make a presentation about our new expenses policy with 5 slides.", 1),
    (
        PR1,
        "partial",
        "Make a presentation about our new expenses policy. Please make it a bulleted outline.",
        1,
    ),
    (
        PR1,
        "partial",
        "Could you make a presentation about the new expenses policy? It replaces the old one from 2018 after the audit.",
        1,
    ),
    (
        PR1,
        "vague",
        "Make a nice and engaging presentation about our new expenses policy that everybody will enjoy.",
        0,
    ),
    (
        PR1,
        "vague",
        "Make a really professional presentation about the expenses policy, and make it complete and good.",
        0,
    ),
    # --- des-pr-01: adversarial
    (PR1, "copied", "Make a presentation about our new expenses policy.", 0),
    (PR1, "copied", "make a presentation about the new expenses policy please", 0),
    (
        PR1,
        "copied",
        "Make a presentation about our new expenses policy. Make a presentation about our new expenses policy.",
        0,
    ),
    (
        PR1,
        "copied",
        "Rewrite the prompt so that an AI assistant could produce something useful first time. Add the goal, context, constraints and what a finished answer looks like.",
        0,
    ),
    (PR1, "keywords", "goal, audience, context, constraints, format, definition of done", 0),
    (PR1, "keywords", "Audience. Context. Constraints. Output format. Tone. Length.", 0),
    (
        PR1,
        "keywords",
        "presentation, expenses policy, goal, context, constraints, finished answer",
        0,
    ),
    (PR1, "keywords", "Goal + audience + context + constraints + format + done criteria", 0),
    (
        PR1,
        "keywords",
        "clear goal specific audience relevant context explicit constraints structured output format success criteria",
        0,
    ),
    (PR1, "negation", "The prompt is fine as it is.", 0),
    (PR1, "negation", "Nothing to change, the prompt is already clear.", 0),
    (PR1, "negation", "No changes needed.", 0),
    (PR1, "offtopic", "I like working with AI tools because they save me time on emails.", 0),
    (
        PR1,
        "offtopic",
        "Our expenses policy is too strict and I think it should be changed by the finance team.",
        0,
    ),
    # --- des-pr-02: good
    (
        PR2,
        "good",
        "Every morning, read the new emails in the support mailbox from the last 24 hours. A message is important if it is from a customer on the enterprise plan, mentions an outage, or threatens to cancel. The mailbox gets about 200 emails a day, mostly password resets and billing questions. Do not reply to, delete or move any email. Produce a list with sender, one-line summary, category and urgency. If you cannot tell whether a message is important, put it in a separate 'needs review' section.",
        3,
    ),
    (
        PR2,
        "good",
        "Goal: make sure urgent customer problems are seen by 9am. Important means outages, security issues, payment failures or complaints from key accounts. Categories we use: billing, technical, account, feedback. Never send replies or change anything in the inbox; only read. Output a table sorted by urgency with the sender, subject and a one-sentence summary. When unsure, mark it for a person to review.",
        3,
    ),
    (
        PR2,
        "good",
        "You triage the shared support inbox for our software company. Our customers are small businesses and most messages are how-to questions. Treat as important any message about data loss, downtime or legal threats. Only read and label messages, don't answer them. Send a digest with one line per important message: sender, summary, suggested owner.",
        3,
    ),
    (
        PR2,
        "good",
        "Each morning, go through yesterday's messages in the support inbox and pick out those that need action today: outages, refunds over 500 euros and anything from a journalist. Do not delete or reply to anything. Give me a numbered list showing sender, one-line summary and why it is urgent. Anything ambiguous goes in a 'check manually' list.",
        3,
    ),
    (
        PR2,
        "good",
        "Sort the support mailbox: it receives customer questions in English and German about orders and deliveries. Important means delivery failures, damaged goods and complaints that mention cancelling. You may add labels but must not reply or archive. The output is a daily summary with a section per category. If you're not sure, leave it for a human to decide.",
        3,
    ),
    (
        PR2,
        "good",
        "Read the support inbox daily. Treat as urgent: system down, security incident, invoice disputes. Never delete anything or reply to customers. Output a CSV with columns sender, date, category, urgency and summary.",
        3,
    ),
    (
        PR2,
        "good",
        "Purpose: a morning briefing on the support inbox so the team lead can assign work. We get about 80 tickets a day; the categories are billing, bugs and feature requests. For each message give its category and urgency in a table. Don't contact customers. Escalate anything you can't classify to the team lead.",
        3,
    ),
    (
        PR2,
        "good",
        "Scan the support inbox each morning for messages that need a person today: complaints, outages and anything from our top 20 accounts. Do not reply. List them with the sender and a one-line summary.",
        3,
    ),
    (
        PR2,
        "good",
        "The support inbox is shared by six agents and receives orders, returns and complaints. Your job is to find the messages that must be handled before noon, which are complaints and anything about a missing delivery. Never answer or delete them. Return a list ordered by urgency.",
        3,
    ),
    # --- des-pr-02: partial
    (
        PR2,
        "partial",
        "Look at the support inbox every morning and list the messages with sender and a one-line summary.",
        1,
    ),
    (
        PR2,
        "partial",
        "Check the support inbox and find messages about outages or cancellations. Don't reply to any of them.",
        2,
    ),
    (
        PR2,
        "partial",
        "Go through the support inbox. Important messages are those from paying customers about billing errors. Put them in a table with sender and summary.",
        2,
    ),
    (
        PR2,
        "partial",
        "Sort the support inbox into the billing, technical and account categories, but never delete anything.",
        2,
    ),
    (
        PR2,
        "partial",
        "Look at the support inbox and sort out the important stuff. If you are unsure about a message, flag it for me instead of guessing. Do not reply to anyone.",
        2,
    ),
    (
        PR2,
        "partial",
        "Review the inbox; we get about 150 customer emails a day, mostly about deliveries. Give me a daily summary list.",
        2,
    ),
    (
        PR2,
        "partial",
        "Look at the support inbox and sort out the important stuff, but do not delete anything.",
        1,
    ),
    (
        PR2,
        "partial",
        "Look at the support inbox and sort out the important stuff and then produce a list of them.",
        1,
    ),
    (PR2, "partial", "Check the inbox. Important means anything from a customer who is angry.", 1),
    (
        PR2,
        "vague",
        "Please check the support inbox carefully and sort the important stuff properly.",
        0,
    ),
    (
        PR2,
        "vague",
        "Look through the support inbox thoroughly and make sure nothing important gets missed by anyone.",
        0,
    ),
    # --- des-pr-02: adversarial
    (PR2, "copied", "Look at the support inbox and sort out the important stuff.", 0),
    (PR2, "copied", "look at the support inbox and sort out the important stuff please", 0),
    (
        PR2,
        "copied",
        "Look at the support inbox and sort out the important stuff. Look at the support inbox and sort out the important stuff.",
        0,
    ),
    (
        PR2,
        "copied",
        "The instruction will run every morning as an automated step on a shared mailbox. Rewrite it so the AI knows exactly what to do.",
        0,
    ),
    (PR2, "keywords", "important, urgent, categories, never delete, output list, unsure review", 0),
    (PR2, "keywords", "Goal. Context. Limits. Output. Uncertainty.", 0),
    (PR2, "keywords", "inbox, support, important, sort, goal, format, constraints", 0),
    (PR2, "keywords", "audience context constraints format done", 0),
    (PR2, "negation", "This instruction is already clear enough.", 0),
    (PR2, "negation", "It is fine as it is, no changes needed.", 0),
    (PR2, "negation", "Nothing needs to change.", 0),
    (PR2, "offtopic", "Write a poem about the sea in the style of Shakespeare.", 0),
    (PR2, "offtopic", "I don't work with the support inbox so I cannot say anything about it.", 0),
]

ES1 = "dis-es-01"  # errors: 1 rate; 4 invented index, overstated; 4-5 contradiction
ES2 = "dis-es-02"  # errors: 2 percentage; 4 malware claim; 5 invented law; 6 contradiction
S1_1 = "Our customer satisfaction survey closed last Friday with 1,200 responses from the 4,000 customers we invited, a response rate of 42%."
S1_4 = "Most of the improvement came from faster delivery, which customers mentioned more than any other topic; as the Harvard Customer Experience Index 2023 shows, delivery speed is the only factor that affects customer loyalty."
S2_2 = "The move of our 350 laptops to the new operating system is 60% complete: 245 laptops are done and 105 remain, so the rollout should finish next week, ahead of the deadline."
S2_4 = "Because the new operating system cannot be infected by malware, antivirus software will be removed from every upgraded laptop to save licence costs."

ERROR_SPOTTING = [
    # --- dis-es-01: good
    (
        ES1,
        "good",
        {
            "1": "1,200 of 4,000 is 30%, not 42%.",
            "4": "The Harvard index looks made up, and saying delivery is the only factor is an overstatement.",
            "5": "This contradicts sentence 4: if delivery got faster, why did late-delivery complaints double?",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "The response rate is wrong, it should be 30%.",
            "4": "I can't find any Harvard Customer Experience Index; the source seems invented.",
            "5": "Complaints about late delivery doubled, which conflicts with the claim that faster delivery drove the improvement.",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "Wrong maths: 1200/4000 = 30%.",
            "4": "Overstated: loyalty depends on many factors, not only delivery speed. The source can't be verified either.",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "42% is incorrect, it's 30%",
            "4": "fabricated citation",
            "5": "inconsistent with the improvement being credited to faster delivery",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "miscalculated percentage (should be 30%)",
            "4": "the claim that delivery speed is the only factor is false; many other things affect loyalty",
            "5": "contradiction with the previous sentence",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "4": "The Harvard index doesn't exist as far as I know, and 'the only factor' is far too absolute.",
            "5": "Contradicts the faster delivery story.",
            "1": "30% not 42%",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "The rate is 30%: 1,200 divided by 4,000.",
            "4": "There is no such Harvard index that I can trace.",
            "5": "Late delivery complaints doubling does not match delivery getting faster.",
        },
        3,
    ),
    (
        ES1,
        "good",
        {
            "1": "Response rate should be 30 percent, the 42% is a calculation error.",
            "4": "Delivery speed is not the only thing that affects loyalty; price and quality matter too.",
            "5": "This contradicts the claim that faster delivery caused the improvement.",
        },
        3,
    ),
    # --- dis-es-01: partial
    (
        ES1,
        "partial",
        {"1": "The response rate should be 30%.", "4": "The source looks invented."},
        2,
    ),
    (
        ES1,
        "partial",
        {"4": "The source is fake and the claim about the only factor is exaggerated."},
        2,
    ),
    (
        ES1,
        "partial",
        {
            "1": "The percentage is miscalculated.",
            "5": "Contradicts the earlier sentence about faster delivery.",
        },
        2,
    ),
    (
        ES1,
        "partial",
        {
            "1": "30%, not 42%",
            "4": "delivery is not the only factor",
            "6": "The recommendation does not follow from the results.",
        },
        2,
    ),
    (ES1, "partial", {"1": "the numbers look wrong", "2": "suspicious", "4": "made-up source"}, 1),
    (ES1, "partial", {"1": "The response rate is wrong: 30%."}, 1),
    (ES1, "partial", {"4": "The Harvard index is probably not a real source."}, 1),
    (ES1, "partial", {"5": "This contradicts sentence 4."}, 1),
    (ES1, "partial", {"1": "This number looks off to me."}, 1),
    (ES1, "partial", {"1": "", "4": ""}, 1),
    (ES1, "partial", {"1": "percentage", "4": "source, claim", "5": "contradiction"}, 2),
    (
        ES1,
        "partial",
        {
            "3": "Satisfaction can't have risen that much.",
            "6": "Bad recommendation.",
            "4": "Invented source.",
        },
        0,
    ),
    # --- dis-es-01: adversarial and guessing
    (ES1, "vague", {"1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": ""}, 0),
    (
        ES1,
        "vague",
        {
            "1": "false",
            "2": "false",
            "3": "false",
            "4": "false",
            "5": "false",
            "6": "false",
            "7": "false",
        },
        0,
    ),
    (ES1, "negation", {"1": "This is correct.", "4": "Accurate.", "5": "Fine."}, 0),
    (ES1, "negation", {"2": "The figures all check out, nothing wrong here."}, 0),
    (ES1, "negation", "I checked every number and they are all correct; there are no errors.", 0),
    (
        ES1,
        "negation",
        {
            "1": "The response rate is correct.",
            "4": "The source is accurate.",
            "5": "This is consistent.",
        },
        0,
    ),
    (ES1, "negation", "No errors found.", 0),
    (ES1, "negation", {"1": "Every figure is correct."}, 0),
    (ES1, "copied", {"1": S1_1, "4": S1_4}, 0),
    (ES1, "copied", S1_1 + " " + S1_4, 0),
    (
        ES1,
        "copied",
        {
            "1": "a response rate of 42%",
            "4": "delivery speed is the only factor that affects customer loyalty",
        },
        0,
    ),
    (ES1, "keywords", "percentage, source, claim, contradiction, overstated, invented", 0),
    (ES1, "keywords", "errors figures sources logic consistency", 0),
    (ES1, "keywords", {"1": "error", "2": "error", "3": "error", "4": "error", "5": "error"}, 0),
    (ES1, "keywords", {"4": "invented source overstated claim contradiction"}, 2),
    (ES1, "offtopic", {"7": "The page should have a link."}, 0),
    # --- dis-es-02: good
    (
        ES2,
        "good",
        {
            "2": "245 of 350 is 70%, not 60%.",
            "4": "No operating system is immune to malware, so removing antivirus is dangerous.",
            "5": "The European Device Security Act of 2022 does not exist.",
            "6": "It says no tickets were raised, then mentions 37 migration tickets: a contradiction.",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "2": "Wrong percentage: it should be 70%.",
            "4": "False claim; any OS can be infected.",
            "6": "Contradiction: no tickets vs 37 tickets.",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "4": "Every system can get infected, removing antivirus is a bad idea.",
            "5": "This law looks invented; I cannot find it.",
            "6": "Inconsistent: 'no helpdesk tickets' but then 37 tickets.",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "2": "The maths is off: 245/350 = 70%.",
            "5": "I can't verify that this act exists; it looks made up.",
            "6": "The two halves of the sentence conflict.",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "2": "70% not 60%",
            "4": "the malware claim is untrue",
            "5": "fake law",
            "6": "contradicts itself about tickets",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "2": "Should be 70 percent; the calculation is wrong.",
            "4": "Claiming the OS cannot be infected is a myth, so antivirus is still needed.",
            "5": "Invented regulation.",
        },
        3,
    ),
    (
        ES2,
        "good",
        {
            "6": "It says no tickets were raised, yet 37 were opened.",
            "4": "Nothing is immune to malware.",
            "2": "245 out of 350 is 70%.",
        },
        3,
    ),
    # --- dis-es-02: partial
    (
        ES2,
        "partial",
        {"2": "The percentage is wrong, it is 70%.", "6": "Contradicts itself about the tickets."},
        2,
    ),
    (ES2, "partial", {"4": "Removing antivirus is risky: any system can be infected."}, 1),
    (ES2, "partial", {"5": "The act looks made up.", "3": "Overnight upgrades are unlikely."}, 0),
    (
        ES2,
        "partial",
        {"2": "The maths is wrong.", "5": "Invented law.", "8": "The helpdesk hours seem short."},
        1,
    ),
    (ES2, "partial", {"2": "", "6": ""}, 1),
    (ES2, "partial", {"2": "70%", "4": "malware"}, 1),
    (ES2, "partial", {"2": "should be 70%", "4": "can still get malware", "5": "made up"}, 3),
    (ES2, "partial", {"6": "no tickets vs 37 tickets"}, 1),
    (ES2, "partial", {"4": "This is a risky decision that security should approve."}, 1),
    # --- dis-es-02: adversarial and guessing
    (ES2, "vague", {str(n): "" for n in range(1, 9)}, 0),
    (ES2, "vague", {str(n): "wrong" for n in range(1, 9)}, 0),
    (
        ES2,
        "negation",
        {"2": "The percentage is correct.", "4": "True.", "5": "Right.", "6": "Consistent."},
        0,
    ),
    (ES2, "negation", "Every figure in the briefing is correct and the sources are valid.", 0),
    (ES2, "negation", {"6": "Looks good."}, 0),
    (ES2, "negation", "There are no errors in this briefing.", 0),
    (ES2, "negation", {"2": "All the numbers are right."}, 0),
    (ES2, "copied", {"2": S2_2, "4": S2_4}, 0),
    (ES2, "copied", S2_2 + " " + S2_4, 0),
    (
        ES2,
        "copied",
        {
            "4": "antivirus software will be removed from every upgraded laptop to save licence costs"
        },
        0,
    ),
    (ES2, "keywords", "percentage malware law contradiction tickets", 0),
    (ES2, "keywords", "wrong figure, false claim, invented law, contradiction", 0),
    (ES2, "offtopic", {"7": "I never restart my laptop."}, 0),
]


def tasks() -> dict[str, tuple[str, dict, str]]:
    """{item key: (type, task, prompt)} of the shipped ai-fluency-4d written items."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "assessments/frameworks/ai-fluency-4d.json"
    data = json.loads(path.read_text())
    keep = ("weak_prompt", "rubric", "passage", "planted_errors", "error_sentences")
    return {
        i["key"]: (i["type"], {k: i[k] for k in keep if k in i}, i["prompt"])
        for i in data["items"]
        if i["type"] in ("prompt_rewrite", "error_spotting")
    }


def agreement(entries: list, embed, threshold: float = 0.6) -> dict:
    """Score every entry; exact and within-one agreement with the labels (on the points the
    scorer gives, reviewed or not), which path decided, and the adversarial answers that
    scored above 1 point without going to review."""
    from assessments.free_text import score_answer

    by_key = tasks()
    rows = []
    for key, category, answer, label in entries:
        kind, task, prompt = by_key[key]
        marks = answer if isinstance(answer, dict) else {}
        text = answer if isinstance(answer, str) else ""
        scored = score_answer(kind, task, text=text, marks=marks, embed=embed, prompt=prompt)
        review = scored.confidence < threshold
        rows.append((key, category, answer, label, scored, review))
    n = len(rows)
    paths = {"guard": 0, "rules": 0, "model": 0, "review": 0}
    for *_rest, scored, review in rows:
        paths["review" if review else scored.path] += 1
    return {
        "n": n,
        "exact": sum(r[4].points == r[3] for r in rows) / n,
        "within_one": sum(abs(r[4].points - r[3]) <= 1 for r in rows) / n,
        "paths": paths,
        "leaks": [
            (r[0], r[1], r[2], r[4].points, r[4].reason)
            for r in rows
            if r[1] in ADVERSARIAL and r[4].points > 1 and not r[5]
        ],
        "misses": [
            (r[0], r[1], r[2], r[3], r[4].points, r[4].reason, r[5])
            for r in rows
            if abs(r[4].points - r[3]) > 1
        ],
        "off_by_one": [
            (r[0], r[1], str(r[2])[:90], r[3], r[4].points, r[4].reason, r[5])
            for r in rows
            if abs(r[4].points - r[3]) == 1
        ],
        "rows": rows,
    }
