//! The safetensors format: an 8-byte little-endian header length, a JSON
//! header naming each tensor's type, shape and byte range, then the data.

use std::collections::HashMap;

use crate::Error;

pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

pub fn read(bytes: &[u8]) -> Result<HashMap<String, Tensor>, Error> {
    let bad = |why: &str| Error::Format(why.to_owned());
    let len: [u8; 8] = bytes
        .get(..8)
        .ok_or_else(|| bad("too short"))?
        .try_into()
        .unwrap();
    let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| bad("header too long"))?;
    let header = bytes
        .get(8..8usize.saturating_add(len))
        .ok_or_else(|| bad("header past the end"))?;
    let data = &bytes[8 + len..];
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(header).map_err(|e| Error::Format(e.to_string()))?;
    let mut tensors = HashMap::new();
    for (name, info) in header {
        if name == "__metadata__" {
            continue;
        }
        // Integer tensors (`position_ids`) are not weights.
        if info["dtype"]
            .as_str()
            .is_some_and(|t| t.starts_with('I') || t.starts_with('U') || t == "BOOL")
        {
            continue;
        }
        if info["dtype"] != "F32" {
            return Err(Error::Format(format!(
                "tensor {name} is {}, and only F32 weights are read",
                info["dtype"]
            )));
        }
        let shape: Vec<usize> = info["shape"]
            .as_array()
            .ok_or_else(|| bad("a tensor without a shape"))?
            .iter()
            .map(|d| d.as_u64().map(|d| d as usize))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("a shape that is not numbers"))?;
        let range = info["data_offsets"]
            .as_array()
            .ok_or_else(|| bad("a tensor without offsets"))?;
        let (Some(start), Some(end)) = (
            range.first().and_then(|v| v.as_u64()),
            range.get(1).and_then(|v| v.as_u64()),
        ) else {
            return Err(bad("offsets that are not numbers"));
        };
        let raw = data
            .get(start as usize..end as usize)
            .ok_or_else(|| bad("a tensor past the end"))?;
        let floats = shape.iter().try_fold(1usize, |n, d| n.checked_mul(*d));
        if floats.and_then(|n| n.checked_mul(4)) != Some(raw.len()) {
            return Err(Error::Tensor(name));
        }
        let data = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        tensors.insert(name, Tensor { shape, data });
    }
    Ok(tensors)
}
