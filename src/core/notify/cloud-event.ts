import type { NotificationEvent } from "./notification-event.js";
import type { NotificationEventKind } from "./notification-policy.js";

/** A CloudEvents 1.0 event in structured JSON mode (cloudevents/spec, json-format.md). */
export interface CloudEvent {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * CloudEvents `type` per event: CDEvents types (cdevents/spec v0.4) where one fits — a run is a
 * pipeline run, a rollback is a service rolled back — and Upshift's own reverse-DNS types for the
 * change-management events CDEvents has no word for (its `change` is a source-code change).
 */
export const CLOUD_EVENT_TYPES: Readonly<Record<NotificationEventKind, string>> = {
  "approval-requested": "dev.upshift.change.approval-requested.v1",
  "downtime-scheduled": "dev.upshift.change.scheduled.v1",
  emergency: "dev.upshift.change.emergency.v1",
  started: "dev.cdevents.pipelinerun.started.0.2.0",
  completed: "dev.cdevents.pipelinerun.finished.0.2.0",
  failed: "dev.cdevents.pipelinerun.finished.0.2.0",
  "rolled-back": "dev.cdevents.service.rolledback.0.2.0",
};

/** The CloudEvent for a notification; `id` is the delivery's stable id, so a receiver can deduplicate. */
export function cloudEventOf(event: NotificationEvent, id: string, source: string): CloudEvent {
  const common = {
    specversion: "1.0",
    id,
    source,
    type: CLOUD_EVENT_TYPES[event.kind],
    time: event.at,
  } as const;
  if ("change" in event) {
    const { change } = event;
    return {
      ...common,
      subject: change.number,
      datacontenttype: "application/json",
      data: {
        event: event.kind,
        change: change.number,
        changeType: change.type,
        environment: change.environment,
        release: change.release,
        services: change.services.map((s) => s.name),
        window:
          change.window === undefined
            ? null
            : {
                start: new Date(change.window.start).toISOString(),
                end: new Date(change.window.end).toISOString(),
              },
        ...(event.kind === "approval-requested" ? { groups: event.groups } : {}),
        auditSeq: event.seq,
      },
    };
  }
  const { run } = event;
  // CDEvents pipelinerun.finished carries an outcome of success, failure or error.
  const outcome = event.kind === "completed" ? "success" : event.kind === "started" ? undefined : "failure";
  return {
    ...common,
    subject: `run/${run.id}`,
    datacontenttype: "application/json",
    data: {
      event: event.kind,
      run: run.id,
      pipelineName: run.release,
      environment: run.environment,
      change: run.change ?? null,
      phase: event.phase,
      ...(outcome === undefined ? {} : { outcome }),
      auditSeq: event.seq,
    },
  };
}
