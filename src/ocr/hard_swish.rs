//! HardSwish fused in a model's graph before it is parsed: `Mul(x, HardSigmoid(x; α = 1/6, β = 0.5))` becomes one
//! `HardSwish(x)` node.
//!
//! PaddleOCR's exports spell each HardSwish as those two nodes, and rten 0.26 does not fuse them: the
//! HardSigmoid's output is a new tensor the size of `x` while `x` is still held for the Mul, so every HardSwish
//! needs two buffers of its input's size at once. In PP-OCRv5's detector 24 of them run at a half and a quarter
//! of the input's resolution; on a 1920×1080 screen the largest are 70 MB each, and the extra buffers raise the
//! peak of one read by ~100 MiB (measured: benches/RESULTS.md, "Memory while working (issue 29)"). As one node,
//! rten runs it in place on `x`.
//!
//! Exact: rten's HardSwish computes `x * clamp(x * (1/6 as f32) + 0.5, 0, 1)`, the same float operations as the
//! pair when α is `1/6` as an f32 and β is 0.5, so a pair is fused only then (bit for bit the same map). A pair
//! whose HardSigmoid output is used elsewhere, or is a graph output, is left alone.
//!
//! Done on the ONNX bytes (as [`super::subnormal`] does), reading only `ModelProto.graph` (field 7), its
//! `node`s (field 1) and `output`s (field 12), and in a `NodeProto` its `input` (1), `output` (2), `op_type`
//! (4) and `attribute`s (5: `name` 1, `f` 2). Every other byte is copied as it is.

use std::collections::HashMap;

use super::subnormal::{fields, Field, FIXED32, LEN};

/// Set to `off` to load the models unfused (for measuring).
pub const ENV: &str = "OCRLAY_HARD_SWISH";

/// What a node is, as far as the fusion needs.
struct Node<'a> {
    inputs: Vec<&'a str>,
    outputs: Vec<&'a str>,
    op: &'a str,
    /// `(name, f)` of each float attribute; `None` for an attribute of another kind.
    attrs: Vec<(&'a str, Option<f32>)>,
}

fn text<'a>(buf: &'a [u8], f: &Field) -> Option<&'a str> {
    std::str::from_utf8(&buf[f.body.clone()]).ok()
}

fn node<'a>(buf: &'a [u8], f: &Field) -> Option<Node<'a>> {
    let mut n = Node {
        inputs: Vec::new(),
        outputs: Vec::new(),
        op: "",
        attrs: Vec::new(),
    };
    for f in fields(buf, f.body.clone())? {
        match (f.number, f.wire) {
            (1, LEN) => n.inputs.push(text(buf, &f)?),
            (2, LEN) => n.outputs.push(text(buf, &f)?),
            (4, LEN) => n.op = text(buf, &f)?,
            (5, LEN) => {
                let attr = fields(buf, f.body.clone())?;
                let name = attr.iter().find(|a| a.number == 1 && a.wire == LEN)?;
                let value = attr
                    .iter()
                    .find(|a| a.number == 2 && a.wire == FIXED32)
                    .map(|a| {
                        let b = &buf[a.span.end - 4..a.span.end];
                        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
                    });
                n.attrs.push((text(buf, name)?, value));
            }
            _ => {}
        }
    }
    Some(n)
}

/// Whether `n` is `HardSigmoid` with α = 1/6 and β = 0.5 exactly (ONNX's defaults are α 0.2, β 0.5).
fn is_sixth_hard_sigmoid(n: &Node) -> bool {
    let attr = |name: &str, default: f32| {
        n.attrs
            .iter()
            .find(|(a, _)| *a == name)
            .map_or(Some(default), |(_, v)| *v)
    };
    n.op == "HardSigmoid"
        && n.inputs.len() == 1
        && n.outputs.len() == 1
        && attr("alpha", 0.2).map(f32::to_bits) == Some((1.0f32 / 6.0).to_bits())
        && attr("beta", 0.5).map(f32::to_bits) == Some(0.5f32.to_bits())
}

fn put_varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_len(number: u64, body: &[u8], out: &mut Vec<u8>) {
    put_varint((number << 3) | LEN, out);
    put_varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// The model in `model` with its exact HardSigmoid + Mul pairs fused into HardSwish nodes, and how many were
/// fused; `None` when there were none, or when the bytes are not an ONNX model this walker understands (the
/// model is then loaded as it is).
pub fn fuse_onnx(model: &[u8]) -> Option<(Vec<u8>, usize)> {
    let top = fields(model, 0..model.len())?;
    let mut graphs = top.iter().filter(|f| f.number == 7 && f.wire == LEN);
    let graph = graphs.next()?;
    if graphs.next().is_some() {
        return None;
    }
    let graph_fields = fields(model, graph.body.clone())?;
    // Node k of the graph is graph_fields[index[k]].
    let mut nodes = Vec::new();
    for (i, f) in graph_fields.iter().enumerate() {
        if f.number == 1 && f.wire == LEN {
            nodes.push((i, node(model, f)?));
        }
    }
    // How many times each value is read: by nodes, and as a graph output.
    let mut reads: HashMap<&str, usize> = HashMap::new();
    for (_, n) in &nodes {
        for i in &n.inputs {
            *reads.entry(i).or_default() += 1;
        }
    }
    for f in graph_fields
        .iter()
        .filter(|f| f.number == 12 && f.wire == LEN)
    {
        for v in fields(model, f.body.clone())? {
            if v.number == 1 && v.wire == LEN {
                *reads.entry(text(model, &v)?).or_default() += 1;
            }
        }
    }
    let mul_reading: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, (_, n))| n.op == "Mul" && n.inputs.len() == 2 && n.outputs.len() == 1)
        .flat_map(|(k, (_, n))| n.inputs.iter().map(move |i| (*i, k)))
        .collect();
    // Graph field index → the bytes that replace it (empty: dropped).
    let mut replaced: HashMap<usize, Vec<u8>> = HashMap::new();
    for (field_index, n) in &nodes {
        if !is_sixth_hard_sigmoid(n) {
            continue;
        }
        let (x, h) = (n.inputs[0], n.outputs[0]);
        if x == h || reads.get(h) != Some(&1) {
            continue;
        }
        let Some(&m) = mul_reading.get(h) else {
            continue;
        };
        let (mul_index, mul) = &nodes[m];
        let mut ins = mul.inputs.clone();
        ins.sort_unstable();
        let mut want = vec![x, h];
        want.sort_unstable();
        if ins != want || replaced.contains_key(mul_index) {
            continue;
        }
        // HardSwish(x) → the Mul's output, where the HardSigmoid was (before every reader of that output).
        let mut body = Vec::new();
        put_len(1, x.as_bytes(), &mut body);
        put_len(2, mul.outputs[0].as_bytes(), &mut body);
        put_len(4, b"HardSwish", &mut body);
        let mut bytes = Vec::new();
        put_len(1, &body, &mut bytes);
        replaced.insert(*field_index, bytes);
        replaced.insert(*mul_index, Vec::new());
    }
    let fused = replaced.values().filter(|b| !b.is_empty()).count();
    if fused == 0 {
        return None;
    }
    let mut new_graph = Vec::with_capacity(graph.body.len());
    for (i, f) in graph_fields.iter().enumerate() {
        match replaced.get(&i) {
            Some(bytes) => new_graph.extend_from_slice(bytes),
            None => new_graph.extend_from_slice(&model[f.span.clone()]),
        }
    }
    let mut out = Vec::with_capacity(model.len());
    for f in &top {
        if f.span == graph.span {
            put_len(7, &new_graph, &mut out);
        } else {
            out.extend_from_slice(&model[f.span.clone()]);
        }
    }
    Some((out, fused))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_bytes(inputs: &[&str], outputs: &[&str], op: &str, attrs: &[(&str, f32)]) -> Vec<u8> {
        let mut body = Vec::new();
        for i in inputs {
            put_len(1, i.as_bytes(), &mut body);
        }
        for o in outputs {
            put_len(2, o.as_bytes(), &mut body);
        }
        put_len(4, op.as_bytes(), &mut body);
        for (name, v) in attrs {
            let mut a = Vec::new();
            put_len(1, name.as_bytes(), &mut a);
            put_varint((2 << 3) | FIXED32, &mut a);
            a.extend_from_slice(&v.to_le_bytes());
            put_len(5, &a, &mut body);
        }
        body
    }

    fn model(nodes: &[Vec<u8>], graph_outputs: &[&str]) -> Vec<u8> {
        let mut graph = Vec::new();
        for n in nodes {
            put_len(1, n, &mut graph);
        }
        for o in graph_outputs {
            let mut v = Vec::new();
            put_len(1, o.as_bytes(), &mut v);
            put_len(12, &v, &mut graph);
        }
        let mut m = Vec::new();
        // ir_version = 8, then the graph, then a producer name after it.
        m.extend_from_slice(&[0x08, 0x08]);
        put_len(7, &graph, &mut m);
        put_len(2, b"test", &mut m);
        m
    }

    fn ops(model: &[u8]) -> Vec<(String, Vec<String>, Vec<String>)> {
        let top = fields(model, 0..model.len()).unwrap();
        let g = top.iter().find(|f| f.number == 7).unwrap();
        fields(model, g.body.clone())
            .unwrap()
            .iter()
            .filter(|f| f.number == 1)
            .map(|f| {
                let n = node(model, f).unwrap();
                (
                    n.op.to_string(),
                    n.inputs.iter().map(|s| s.to_string()).collect(),
                    n.outputs.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn an_exact_pair_becomes_one_hard_swish_and_the_rest_is_kept() {
        let sixth = 1.0f32 / 6.0;
        let m = model(
            &[
                node_bytes(&["in"], &["x"], "Relu", &[]),
                node_bytes(
                    &["x"],
                    &["h"],
                    "HardSigmoid",
                    &[("alpha", sixth), ("beta", 0.5)],
                ),
                node_bytes(&["h", "x"], &["y"], "Mul", &[]),
                node_bytes(&["y"], &["out"], "Relu", &[]),
            ],
            &["out"],
        );
        let (fused, n) = fuse_onnx(&m).unwrap();
        assert_eq!(n, 1);
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ops(&fused),
            vec![
                ("Relu".into(), s(&["in"]), s(&["x"])),
                ("HardSwish".into(), s(&["x"]), s(&["y"])),
                ("Relu".into(), s(&["y"]), s(&["out"])),
            ]
        );
        // The fields around the graph are kept, in order.
        assert_eq!(&fused[..2], &[0x08, 0x08]);
        assert!(fused.ends_with(b"test"));
    }

    #[test]
    fn pairs_that_are_not_exact_or_whose_sigmoid_is_read_elsewhere_are_left() {
        let sixth = 1.0f32 / 6.0;
        // α a hair off 1/6 (PaddleOCR's exports hold such too): not the same floats, left alone.
        let off = model(
            &[
                node_bytes(
                    &["x"],
                    &["h"],
                    "HardSigmoid",
                    &[("alpha", 0.1666667), ("beta", 0.5)],
                ),
                node_bytes(&["x", "h"], &["y"], "Mul", &[]),
            ],
            &["y"],
        );
        assert!(fuse_onnx(&off).is_none());
        // ONNX's default α (0.2) is a squeeze-and-excitation gate, not a HardSwish.
        let gate = model(
            &[
                node_bytes(&["x"], &["h"], "HardSigmoid", &[]),
                node_bytes(&["x", "h"], &["y"], "Mul", &[]),
            ],
            &["y"],
        );
        assert!(fuse_onnx(&gate).is_none());
        // The sigmoid's output read by another node too, or a graph output.
        for (extra, outs) in [
            (
                Some(node_bytes(&["h"], &["z"], "Relu", &[])),
                vec!["y", "z"],
            ),
            (None, vec!["y", "h"]),
        ] {
            let mut nodes = vec![
                node_bytes(&["x"], &["h"], "HardSigmoid", &[("alpha", sixth)]),
                node_bytes(&["x", "h"], &["y"], "Mul", &[]),
            ];
            nodes.extend(extra);
            assert!(fuse_onnx(&model(&nodes, &outs)).is_none());
        }
        // A Mul of the sigmoid and something else than its input.
        let other = model(
            &[
                node_bytes(&["x"], &["h"], "HardSigmoid", &[("alpha", sixth)]),
                node_bytes(&["w", "h"], &["y"], "Mul", &[]),
            ],
            &["y"],
        );
        assert!(fuse_onnx(&other).is_none());
        // Not a model at all.
        assert!(fuse_onnx(b"\xff\xff\xff").is_none());
    }
}
