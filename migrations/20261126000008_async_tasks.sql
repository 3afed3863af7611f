-- Asynchronous OpenAPI imports and exports (`openapi/async-*`): the task, its state and its
-- result, kept seven days after it finished.
CREATE TABLE async_tasks (
    id          text PRIMARY KEY,
    project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    task_type   text NOT NULL CHECK (task_type IN ('import_api', 'export_api')),
    status      text NOT NULL CHECK (status IN ('waiting', 'processing', 'succeed', 'failed')),
    result      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX async_tasks_finished ON async_tasks (updated_at) WHERE status IN ('succeed', 'failed');
