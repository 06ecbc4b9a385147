/** Tables of migration 0007, kept beside their repository (`db.withTables<NotificationTables>()`). */
export type NotificationTables = {
  notification_cursor: { name: string; seq: number };
  notification_outbox: NotificationOutboxTable;
};

export type NotificationOutboxTable = {
  id: string;
  audit_seq: number;
  event: string;
  change_number: string | null;
  run_id: string | null;
  policy: string;
  channel: string;
  channel_type: string;
  recipient: string | null;
  address: string | null;
  time_zone: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  payload: string | null;
  state: string;
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
};
