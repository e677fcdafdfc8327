-- A listing or count of one rule's signals (`signals --regel`, the Leerplichttelling's lrv
-- signals) reads and sorts only that rule's signals.
CREATE INDEX signalen_regel_datum ON signalen (regel, datum);
