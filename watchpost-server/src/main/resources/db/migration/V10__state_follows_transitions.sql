-- A target's checkpointed state (target_state.state, since) is written from now on in the
-- transaction of its transitions, so it always is where they end. A row written before by a
-- process that was killed can be older or newer than its target's last transition: it takes that
-- transition's state once here, and a hold beside a state other than maintenance is dropped.
UPDATE target_state SET
    state = (SELECT t.to_state FROM transition t WHERE t.target_id = target_state.target_id
             ORDER BY t.at DESC, t.id DESC LIMIT 1),
    since = (SELECT t.at FROM transition t WHERE t.target_id = target_state.target_id
             ORDER BY t.at DESC, t.id DESC LIMIT 1)
WHERE state <> (SELECT t.to_state FROM transition t WHERE t.target_id = target_state.target_id
                ORDER BY t.at DESC, t.id DESC LIMIT 1);

UPDATE target_state SET hold_state = NULL, hold_message = NULL
WHERE state <> 'maintenance' AND hold_state IS NOT NULL;
