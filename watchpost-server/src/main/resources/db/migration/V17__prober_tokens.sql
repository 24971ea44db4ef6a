-- Prober tokens (scope 'prober') may be bound at issue to the one location they speak for, so a
-- token that leaks from one prober's machine cannot report or fetch checks for another location.
-- NULL for every other token, and for a prober token that may speak for any location.
ALTER TABLE api_token ADD COLUMN location TEXT;
