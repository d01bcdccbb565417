//! Answers from the bank's key: the right one, or a wrong one of the same shape.

use serde_json::{json, Value};

/// The answer to `question` (as the server sent it) from its `key` (as the bank holds it).
pub fn choose(key: &Value, question: &Value, wrong: bool) -> Value {
    let ids: Vec<u64> = key["ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let all: Vec<u64> = question["options"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["id"].as_u64()).collect())
        .unwrap_or_default();
    match question["kind"].as_str() {
        Some("numeric") => {
            let value = key["value"].as_f64().unwrap_or(0.0);
            let tolerance = key["tolerance"].as_f64().unwrap_or(0.0);
            json!(if wrong {
                value + tolerance + 1000.0
            } else {
                value
            })
        }
        Some("ordering") if wrong => json!(all.iter().rev().copied().collect::<Vec<_>>()),
        Some("ordering") => json!(ids),
        _ if wrong => json!([all
            .iter()
            .copied()
            .find(|id| !ids.contains(id))
            .unwrap_or(1)]),
        Some("multiple") => json!(ids),
        _ => json!([ids.first().copied().unwrap_or(1)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_single_answer_is_an_option_outside_the_key() {
        let key = json!({"type": "options", "ids": [2]});
        let q = json!({"kind": "single", "options": [{"id": 2}, {"id": 1}, {"id": 3}]});
        assert_eq!(choose(&key, &q, false), json!([2]));
        assert_eq!(choose(&key, &q, true), json!([1]));
    }

    #[test]
    fn multiple_and_numeric_answers_follow_the_key() {
        let key = json!({"type": "options", "ids": [1, 3]});
        let q = json!({"kind": "multiple", "options": [{"id": 1}, {"id": 2}, {"id": 3}]});
        assert_eq!(choose(&key, &q, false), json!([1, 3]));
        let key = json!({"type": "number", "value": 1945.0, "tolerance": 0.0});
        let q = json!({"kind": "numeric"});
        assert_eq!(choose(&key, &q, false), json!(1945.0));
        assert_ne!(choose(&key, &q, true), json!(1945.0));
    }
}
