-- A school withdraws a draft melding with a reason (DOMAIN §7): the reason's code goes in
-- `afsluitreden` (`achteraf_geoorloofd`, `ziek_achteraf_gemeld`, `administratieve_fout`; the
-- system's own `signaal_vervallen`), and what the school adds in its own words here.
ALTER TABLE meldingen ADD COLUMN toelichting TEXT;
