//! Answers from the bank's key: the right one, or a wrong one of the same shape.
//!
//! The server shows each game its own option ids (never the bank's), so the load test knows
//! the key by option *texts* ([`key_by_text`]) and finds their ids in the `question` it got,
//! as a student reading the screen would.

use serde_json::{json, Value};

/// The bank's `key` of `bank_question` (as `GET /api/banks/{id}` lists it), with option ids
/// replaced by the options' texts: `{"type": "options"|"order", "texts": […]}`; a numeric key
/// stays as it is.
pub fn key_by_text(bank_question: &Value) -> Value {
    let key = &bank_question["key"];
    let Some(ids) = key["ids"].as_array() else {
        return key.clone();
    };
    let texts: Vec<Value> = ids
        .iter()
        .filter_map(Value::as_u64)
        .map(|id| bank_question["options"][(id as usize).saturating_sub(1)].clone())
        .collect();
    json!({"type": key["type"], "texts": texts})
}

/// The answer to `question` (as the server sent it) from its key by text, right or wrong.
pub fn choose(key: &Value, question: &Value, wrong: bool) -> Value {
    let options: Vec<(u64, &str)> = question["options"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| Some((o["id"].as_u64()?, o["text"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let all: Vec<u64> = options.iter().map(|&(id, _)| id).collect();
    let ids: Vec<u64> = key["texts"]
        .as_array()
        .map(|texts| {
            texts
                .iter()
                .filter_map(|t| options.iter().find(|o| Some(o.1) == t.as_str()))
                .map(|&(id, _)| id)
                .collect()
        })
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
        Some("ordering") if wrong => {
            // Any order but the right one: the right one turned around (n ≥ 2).
            json!(ids.iter().rev().copied().collect::<Vec<_>>())
        }
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

    fn bank_question(kind: &str, key: Value) -> Value {
        json!({"kind": kind, "options": ["Một", "Hai", "Ba"], "key": key})
    }

    #[test]
    fn a_wrong_single_answer_is_an_option_outside_the_key() {
        let key = key_by_text(&bank_question(
            "single",
            json!({"type": "options", "ids": [2]}),
        ));
        assert_eq!(key, json!({"type": "options", "texts": ["Hai"]}));
        let q = json!({"kind": "single", "options": [
            {"id": 1, "text": "Ba"}, {"id": 2, "text": "Hai"}, {"id": 3, "text": "Một"}]});
        assert_eq!(choose(&key, &q, false), json!([2]));
        assert_eq!(choose(&key, &q, true), json!([1]));
    }

    #[test]
    fn multiple_ordering_and_numeric_answers_follow_the_key() {
        let key = key_by_text(&bank_question(
            "multiple",
            json!({"type": "options", "ids": [1, 3]}),
        ));
        let q = json!({"kind": "multiple", "options": [
            {"id": 1, "text": "Hai"}, {"id": 2, "text": "Ba"}, {"id": 3, "text": "Một"}]});
        assert_eq!(choose(&key, &q, false), json!([3, 2]));
        let key = key_by_text(&bank_question(
            "ordering",
            json!({"type": "order", "ids": [1, 2, 3]}),
        ));
        let q = json!({"kind": "ordering", "options": [
            {"id": 1, "text": "Ba"}, {"id": 2, "text": "Một"}, {"id": 3, "text": "Hai"}]});
        assert_eq!(choose(&key, &q, false), json!([2, 3, 1]));
        assert_eq!(choose(&key, &q, true), json!([1, 3, 2]));
        let key = json!({"type": "number", "value": 1945.0, "tolerance": 0.0});
        let q = json!({"kind": "numeric"});
        assert_eq!(key_by_text(&json!({"key": key.clone()})), key);
        assert_eq!(choose(&key, &q, false), json!(1945.0));
        assert_ne!(choose(&key, &q, true), json!(1945.0));
    }
}
