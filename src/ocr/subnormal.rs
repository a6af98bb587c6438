//! Subnormal weights flushed to zero before a model is parsed.
//!
//! PP-OCRv5's detector holds 14 879 subnormal float weights (5 812 of them in the 1×1 convolution `Conv.24`,
//! 384×192, at the end of the backbone). x86 CPUs multiply subnormals through a microcode assist ~100 times
//! slower than normal floats: that one convolution took 11 ms of the detector's ~100 ms on a 1280×240
//! dialogue box, 0.4 ms once its subnormals are zero. A subnormal is below 1.2e-38, so zero is the same
//! weight for every purpose of a network; the other weights are left bit for bit.
//!
//! Done on the ONNX bytes, in place (no length changes), after the file's hash was checked: the runtime has
//! no API to change a loaded model's weights, and flushing subnormals on the CPU instead (the MXCSR FTZ/DAZ
//! bits) would have to reach every thread of rten's pools and change float behaviour for all code on them.
//!
//! Only the parts of the protobuf wire format an ONNX model's initializers use are read: `ModelProto.graph`
//! (field 7), `GraphProto.initializer` (field 5), and in each `TensorProto` its `data_type` (field 2; 1 is
//! FLOAT) with `raw_data` (field 9) or packed `float_data` (field 4), both little-endian f32. Anything the
//! walker does not understand is left as it is.

/// Wire types of the protobuf encoding.
pub(super) const VARINT: u64 = 0;
pub(super) const FIXED64: u64 = 1;
pub(super) const LEN: u64 = 2;
pub(super) const FIXED32: u64 = 5;

/// ONNX `TensorProto.DataType.FLOAT`.
const ONNX_FLOAT: u64 = 1;

pub(super) fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *buf.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// One field of a message: its number, wire type and, for length-delimited fields, the range of its bytes.
pub(super) struct Field {
    pub number: u64,
    pub wire: u64,
    pub value: u64,
    pub body: std::ops::Range<usize>,
    /// The whole field, its key included.
    pub span: std::ops::Range<usize>,
}

/// The fields of the message in `buf[range]`, or `None` when the bytes are not a well-formed message.
pub(super) fn fields(buf: &[u8], range: std::ops::Range<usize>) -> Option<Vec<Field>> {
    let (mut pos, end) = (range.start, range.end);
    let mut out = Vec::new();
    while pos < end {
        let start = pos;
        let key = read_varint(&buf[..end], &mut pos)?;
        let (number, wire) = (key >> 3, key & 7);
        let mut field = Field {
            number,
            wire,
            value: 0,
            body: pos..pos,
            span: start..start,
        };
        match wire {
            VARINT => field.value = read_varint(&buf[..end], &mut pos)?,
            FIXED64 => pos = pos.checked_add(8)?,
            FIXED32 => pos = pos.checked_add(4)?,
            LEN => {
                let len = usize::try_from(read_varint(&buf[..end], &mut pos)?).ok()?;
                let stop = pos.checked_add(len)?;
                field.body = pos..stop;
                pos = stop;
            }
            _ => return None,
        }
        if pos > end {
            return None;
        }
        field.span = start..pos;
        out.push(field);
    }
    Some(out)
}

/// Zeroes the subnormal little-endian f32s of `bytes`; returns how many there were.
fn flush_f32s(bytes: &mut [u8]) -> usize {
    let mut flushed = 0;
    for chunk in bytes.chunks_exact_mut(4) {
        let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        if v.is_subnormal() {
            // Keep the sign: -0.0 and 0.0 multiply the same.
            chunk.copy_from_slice(&(0.0f32.copysign(v)).to_le_bytes());
            flushed += 1;
        }
    }
    flushed
}

/// Flushes the subnormal float weights of the ONNX model in `model` to zero, in place; returns how many were
/// flushed. Bytes that are not an ONNX model (a `.rten` file, a truncated file) are left untouched and give 0:
/// parsing them is the runtime's job, and its error the one to show.
pub fn flush_onnx_weights(model: &mut [u8]) -> usize {
    let Some(top) = fields(model, 0..model.len()) else {
        return 0;
    };
    let mut tensors = Vec::new();
    for graph in top.iter().filter(|f| f.number == 7 && f.wire == LEN) {
        let Some(graph_fields) = fields(model, graph.body.clone()) else {
            continue;
        };
        tensors.extend(
            graph_fields
                .into_iter()
                .filter(|f| f.number == 5 && f.wire == LEN)
                .map(|f| f.body),
        );
    }
    let mut flushed = 0;
    for tensor in tensors {
        let Some(tensor_fields) = fields(model, tensor) else {
            continue;
        };
        let is_float = tensor_fields
            .iter()
            .any(|f| f.number == 2 && f.wire == VARINT && f.value == ONNX_FLOAT);
        if !is_float {
            continue;
        }
        for data in tensor_fields
            .iter()
            .filter(|f| (f.number == 9 || f.number == 4) && f.wire == LEN)
        {
            flushed += flush_f32s(&mut model[data.body.clone()]);
        }
    }
    flushed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
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

    fn len_field(number: u64, body: &[u8], out: &mut Vec<u8>) {
        varint(number << 3 | LEN, out);
        varint(body.len() as u64, out);
        out.extend_from_slice(body);
    }

    fn tensor(data_type: u64, data_field: u64, values: &[f32]) -> Vec<u8> {
        let mut t = Vec::new();
        varint(1 << 3 | VARINT, &mut t); // dims
        varint(values.len() as u64, &mut t);
        varint(2 << 3 | VARINT, &mut t);
        varint(data_type, &mut t);
        len_field(8, b"w", &mut t); // name
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        len_field(data_field, &raw, &mut t);
        t
    }

    fn model(tensors: &[Vec<u8>]) -> Vec<u8> {
        let mut graph = Vec::new();
        len_field(1, b"a node we do not read", &mut graph);
        for t in tensors {
            len_field(5, t, &mut graph);
        }
        let mut m = Vec::new();
        varint(1 << 3 | VARINT, &mut m); // ir_version
        varint(8, &mut m);
        len_field(7, &graph, &mut m);
        m
    }

    fn floats_of(bytes: &[u8], values: &[f32]) -> Vec<f32> {
        // The raw data is the last bytes of the tensor, which is the last of the model.
        let n = values.len() * 4;
        bytes[bytes.len() - n..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    #[test]
    fn subnormal_weights_become_zero_and_the_rest_stays() {
        let tiny = f32::from_bits(1); // the smallest subnormal
        let values = [1.5, tiny, -tiny, f32::MIN_POSITIVE, -2.0e-39, 0.0, -3.25];
        for field in [9, 4] {
            let mut m = model(&[tensor(ONNX_FLOAT, field, &values)]);
            let len = m.len();
            assert_eq!(flush_onnx_weights(&mut m), 3);
            assert_eq!(m.len(), len);
            let got = floats_of(&m, &values);
            assert_eq!(got, [1.5, 0.0, -0.0, f32::MIN_POSITIVE, -0.0, 0.0, -3.25]);
            assert!(got[2].is_sign_negative());
            // Nothing left to flush the second time.
            assert_eq!(flush_onnx_weights(&mut m), 0);
        }
    }

    #[test]
    fn other_element_types_and_other_bytes_are_left_alone() {
        // data_type 7 (INT64) whose bytes happen to look like subnormal floats.
        let tiny = f32::from_bits(5);
        let ints = model(&[tensor(7, 9, &[tiny, tiny])]);
        let mut m = ints.clone();
        assert_eq!(flush_onnx_weights(&mut m), 0);
        assert_eq!(m, ints);

        // Not a protobuf message, and a message cut short: untouched.
        for bytes in [b"RTEN\x01\x00\x00\x00garbage".to_vec(), {
            let mut cut = model(&[tensor(ONNX_FLOAT, 9, &[tiny, tiny])]);
            cut.truncate(cut.len() - 3);
            cut
        }] {
            let mut m = bytes.clone();
            flush_onnx_weights(&mut m);
            assert_eq!(m, bytes);
        }
    }

    #[test]
    fn the_shipped_detector_has_its_subnormals_found() {
        // Counted independently with the onnx Python package (numpy's subnormal test over every float
        // initializer): 14 879 in the detector, 241 in the recogniser.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        for (name, count) in [
            ("ppocrv5_det.onnx", 14_879),
            ("PP-OCRv6_rec_small.onnx", 241),
        ] {
            let mut bytes = std::fs::read(dir.join(name)).unwrap();
            assert_eq!(flush_onnx_weights(&mut bytes), count, "{name}");
            rten::Model::load(bytes).unwrap();
        }
    }
}
