"""Storage of clinics, users, clients, intakes, assessments, plans, sessions and the audit log.

Each module holds the service functions of one use case; interfaces call these, never the ORM.
"""
