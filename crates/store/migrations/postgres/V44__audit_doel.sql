-- Every audit entry names the purpose (doel) its read or change was allowed on: a melding, a
-- case, a registration, a MAZL referral, break-the-glass, the school's own enrolment, the
-- leerplicht register or the operator's work. Entries written before have none.
ALTER TABLE audit_log ADD COLUMN doel TEXT;
