//! What HyperFlow's engine and job executor read from a deployment by name: the file that
//! lists the task types sent to worker pools, and how the engine names their queues. The
//! render writes them, and the pool checks and the diagram read them back, from this one
//! definition (`functions/kubernetes/amqpConnector.js` of the engine, `getQueueName`).

use serde_json::Value;

/// The workflow config file of the task types the engine sends to RabbitMQ.
pub const EXECUTION_MODELS_FILE: &str = "workflow.config.executionModels.json";
/// The queue a pool worker (`hflow-job-listener.js`) consumes.
pub const QUEUE_NAME_ENV: &str = "QUEUE_NAME";
/// Where the engine and the pool workers reach RabbitMQ: `amqp://$RABBIT_HOSTNAME`.
pub const RABBIT_HOSTNAME_ENV: &str = "RABBIT_HOSTNAME";
/// The namespace the engine names its queues after (a fieldRef in hfgen's engine pod).
pub const NAMESPACE_ENV: &str = "HF_VAR_NAMESPACE";

/// The queue the engine sends `task` to when its model names none: `<namespace>.<task>`.
pub fn default_queue(namespace: &str, task: &str) -> String {
    format!("{namespace}.{task}")
}

/// The entries of an executionModels file; `None` if it is not a JSON list.
pub fn execution_models(text: &str) -> Option<Vec<Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Array(models)) => Some(models),
        _ => None,
    }
}

/// `(task, queue)` of one entry: its `queue` if it names one, else the default queue; `None`
/// for an entry without a name, which the engine matches to no task.
pub fn model_queue(model: &Value, namespace: &str) -> Option<(String, String)> {
    let task = model.get("name").and_then(Value::as_str)?;
    let queue = model
        .get("queue")
        .and_then(Value::as_str)
        .map_or_else(|| default_queue(namespace, task), str::to_string);
    Some((task.to_string(), queue))
}
