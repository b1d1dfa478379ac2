"""Made-up answers to open questions for simulated waves.

Written for the demo and the tests, so that coding an open question has themes to find: the
answers to the CSO's open questions (by question id) in the voice of a children's services lead,
and a generic pool for any other question that names the units by the population's noun. None
is a real unit's answer; none names a place or a person.
"""

from __future__ import annotations

from omnibus.frame.schema import UnitNoun

GENERIC = (
    "Closer working with neighbouring {units}",
    "Recruitment and retention of experienced staff",
    "Better use of data to plan services",
    "Early help and prevention",
    "Joint commissioning with health partners",
)

BY_QUESTION: dict[str, tuple[str, ...]] = {
    "SocImprov": (
        "Recruiting and retaining experienced social workers",
        "Recruitment and retention of permanent social workers, less reliance on agency staff",
        "A stable, skilled workforce with manageable caseloads",
        "Reduce agency social worker numbers and grow our own through the academy",
        "Retaining good staff and developing our managers",
        "Workforce stability - recruitment and retention remain the biggest risk",
        "Improving the quality of practice and outcomes for children",
        "Consistently good quality practice across all teams",
        "Better outcomes for children in care and care leavers",
        "Embedding our practice model and improving the quality of assessments",
        "Quality assurance and audit so that practice is consistently good",
        "Improve the quality of plans and outcomes for children in need",
        "Managing rising demand at the front door",
        "Reducing demand through early help and family support",
        "Safely reducing the number of children in care",
        "Stronger early intervention so fewer families need statutory services",
        "Managing demand for high cost placements",
        "Diverting families from statutory services through early help",
        "Sufficiency of local placements and more in-house foster carers",
        "More foster carers so children can live close to home",
        "Increase local residential and fostering capacity, reduce out of area placements",
        "Placement sufficiency for older children with complex needs",
        "Delivering services within a reducing budget",
        "Financial sustainability while demand keeps rising",
        "Balancing the budget without cutting preventative services",
        "Stronger partnership working with health and police",
        "New multi-agency safeguarding arrangements with our partners",
        "Joint work with schools and health on early intervention",
        "Using evidence of what works to choose interventions",
        "Better data and performance information to target services",
        "Evidence-based assessment and evaluation of our interventions",
        "Improving our response to adolescents at risk of exploitation",
        "Tackling criminal and sexual exploitation of young people",
        "Workforce, quality of practice and managing demand",
        "Recruiting social workers and reducing caseloads to improve practice",
        "Early help to reduce demand and keep families together",
    ),
    "SWreturn": (
        "A structured return to practice programme with a mentor",
        "Supervised placements and a named practice educator",
        "We pay the registration fee and offer flexible hours",
        "Refresher training through our social work academy",
        "Nothing formal at present",
        "Part-time and flexible working for returners",
        "Shadowing, reduced caseloads for the first months and regular supervision",
        "We take part in the national return to social work scheme",
    ),
    "MultChal": (
        "Agreeing funding contributions between partners",
        "Keeping what works in our current board while meeting the new requirements",
        "Partners having less capacity as their resources reduce",
        "Aligning boundaries with health and police",
        "Establishing new partnerships with schools",
        "Clarity about accountability and independent scrutiny",
    ),
    "SBeff": (
        "Overnight short breaks in our residential unit",
        "Holiday play schemes and after school clubs",
        "Direct payments so families choose their own support",
        "Family-based short breaks with approved carers",
        "Activities that let disabled children join universal services",
        "Sitting services in the family home",
    ),
    "SBdisab": (
        "Parent carer forum involved in commissioning decisions",
        "Surveys and consultation events with families",
        "Young people's participation group for disabled children",
        "Feedback from reviews of each child's short breaks",
        "Co-production with parents through the local offer",
    ),
}


def generic_answers(units: UnitNoun) -> tuple[str, ...]:
    """Made-up answers that fit any open question of a survey of `units`."""
    return tuple(text.format(units=units.plural) for text in GENERIC)


def answers_for(question_id: str, units: UnitNoun) -> tuple[str, ...]:
    """The pool of made-up answers for an open question (the generic pool for one not listed)."""
    return BY_QUESTION.get(question_id) or generic_answers(units)
