//! Authorisation as the API server's RBAC authoriser does it, over the rendered Roles,
//! ClusterRoles and their bindings (plus the built-in `cluster-admin` ClusterRole).

use serde_json::Value;

/// Who is asking: a ServiceAccount, with the groups the API server gives every one.
pub struct ServiceAccount {
    pub namespace: String,
    pub name: String,
}

impl ServiceAccount {
    pub fn user(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }

    fn groups(&self) -> [String; 3] {
        [
            "system:serviceaccounts".to_string(),
            format!("system:serviceaccounts:{}", self.namespace),
            "system:authenticated".to_string(),
        ]
    }

    fn is(&self, subject: &Value, binding_namespace: Option<&str>) -> bool {
        let name = subject["name"].as_str().unwrap_or_default();
        match subject["kind"].as_str() {
            Some("ServiceAccount") => {
                let namespace = subject["namespace"].as_str().or(binding_namespace);
                name == self.name && namespace == Some(self.namespace.as_str())
            }
            Some("User") => name == self.user(),
            Some("Group") => self.groups().iter().any(|group| group == name),
            _ => false,
        }
    }
}

/// One API request as RBAC sees it.
pub struct Access<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub namespace: &'a str,
}

impl Access<'_> {
    /// The API server's message for a refused request.
    pub fn forbidden_message(&self, who: &ServiceAccount) -> String {
        let resource = if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        format!(
            "{resource} is forbidden: User \"{}\" cannot {} resource \"{}\" in API group \"{}\" in the namespace \"{}\"",
            who.user(),
            self.verb,
            self.resource,
            self.group,
            self.namespace
        )
    }
}

/// Whether any binding in `objects` grants `access` to `who`.
pub fn allows(objects: &[Value], who: &ServiceAccount, access: &Access) -> bool {
    objects.iter().any(|binding| {
        let binding_namespace = match binding["kind"].as_str() {
            Some("RoleBinding") => binding["metadata"]["namespace"].as_str(),
            Some("ClusterRoleBinding") => None,
            _ => return false,
        };
        if binding_namespace.is_some_and(|namespace| namespace != access.namespace) {
            return false;
        }
        let subjects = binding["subjects"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !subjects
            .iter()
            .any(|subject| who.is(subject, binding_namespace))
        {
            return false;
        }
        rules_of(objects, &binding["roleRef"], binding_namespace)
            .iter()
            .any(|rule| rule_allows(rule, access))
    })
}

fn rules_of(objects: &[Value], role_ref: &Value, binding_namespace: Option<&str>) -> Vec<Value> {
    let kind = role_ref["kind"].as_str().unwrap_or_default();
    let name = role_ref["name"].as_str().unwrap_or_default();
    if kind == "ClusterRole" && name == "cluster-admin" {
        return vec![serde_json::json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})];
    }
    objects
        .iter()
        .find(|role| {
            role["kind"] == kind
                && role["metadata"]["name"] == name
                && (kind == "ClusterRole"
                    || role["metadata"]["namespace"].as_str() == binding_namespace)
        })
        .and_then(|role| role["rules"].as_array().cloned())
        .unwrap_or_default()
}

fn rule_allows(rule: &Value, access: &Access) -> bool {
    let has = |key: &str, wanted: &str| {
        rule[key]
            .as_array()
            .is_some_and(|items| items.iter().any(|item| item == "*" || item == wanted))
    };
    has("apiGroups", access.group) && has("resources", access.resource) && has("verbs", access.verb)
}
