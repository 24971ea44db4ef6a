-- Cluster mode: which node is sending an alert. A node that dies mid-send leaves its alerts in
-- 'sending'; another node resumes them (with the same delivery key) once the sender has left the
-- cluster, and never while it is alive. NULL on a single node.
ALTER TABLE alert ADD COLUMN claimed_by TEXT;
