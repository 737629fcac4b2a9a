-- When the desk last sent an address an automatic answer without a ticket (keyed hash of the
-- address): one such answer a day per address, so mail floods and forged senders do not turn
-- the desk into a source of backscatter.
CREATE TABLE auto_answers (
    address_hash TEXT PRIMARY KEY,
    last_at      BIGINT NOT NULL
);
