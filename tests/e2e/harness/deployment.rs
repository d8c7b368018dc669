//! The deployment under test: what `hfgen render` prints, parsed. The harness takes the engine
//! pod, the job template and the RBAC objects from here and from nowhere else.

use serde_json::Value;

pub struct Deployment {
    pub objects: Vec<Value>,
}

impl Deployment {
    /// `hfgen render ARGS...`; a refused render fails the test with hfgen's message.
    pub fn render(args: &[&str]) -> Deployment {
        let mut command = vec!["render"];
        command.extend_from_slice(args);
        let yaml = crate::common::hfgen_ok(&command);
        Deployment {
            objects: crate::common::documents(&yaml),
        }
    }

    pub fn find(&self, kind: &str, name: &str) -> Option<&Value> {
        self.objects
            .iter()
            .find(|object| object["kind"] == kind && object["metadata"]["name"] == name)
    }

    pub fn find_mut(&mut self, kind: &str, name: &str) -> Option<&mut Value> {
        self.objects
            .iter_mut()
            .find(|object| object["kind"] == kind && object["metadata"]["name"] == name)
    }

    /// The Job that runs the workflow.
    pub fn engine_workload(&self) -> &Value {
        self.find("Job", "hyperflow-engine")
            .expect("the render has the engine Job")
    }

    /// The engine's pod template (`spec.template`).
    pub fn engine_pod(&self) -> &Value {
        &self.engine_workload()["spec"]["template"]
    }

    pub fn namespace(&self) -> String {
        self.engine_workload()["metadata"]["namespace"]
            .as_str()
            .expect("the engine has a namespace")
            .to_string()
    }
}

/// A literal `value` of the engine container's env.
pub fn engine_env_value(pod: &Value, name: &str) -> Option<String> {
    pod["spec"]["containers"][0]["env"]
        .as_array()?
        .iter()
        .find(|var| var["name"] == name)?["value"]
        .as_str()
        .map(str::to_string)
}
