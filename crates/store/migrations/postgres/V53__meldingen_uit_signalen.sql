-- The meldingen a signal made (drafts, and what became of them) by start date, for the
-- figures' count of drafts (docs/domain.md §9): without it the count read every melding of
-- the years asked, nearly all of them made by hand or imported, to find the few that came
-- from a signal (a second and more at national scale).
CREATE INDEX meldingen_uit_signalen ON meldingen (begindatum) WHERE signaal IS NOT NULL;
