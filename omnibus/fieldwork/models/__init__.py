"""The fieldwork app's models, a module each: waves (and questionnaire versions), and more to come.

Django finds models through this package; each module is imported here by name.
"""

from omnibus.fieldwork.models.audit import AuditEvent
from omnibus.fieldwork.models.calls import CallNote
from omnibus.fieldwork.models.contacts import Contact, Nomination, Retention
from omnibus.fieldwork.models.messages import Campaign, Message, MessageAttachment
from omnibus.fieldwork.models.progress import Respondent, SectionState
from omnibus.fieldwork.models.waves import QuestionnaireVersion, Wave, WaveUnit

__all__ = [
    "AuditEvent",
    "CallNote",
    "Campaign",
    "Contact",
    "Message",
    "MessageAttachment",
    "Nomination",
    "QuestionnaireVersion",
    "Respondent",
    "Retention",
    "SectionState",
    "Wave",
    "WaveUnit",
]
