#pragma once

// HDF5's shuffle and deflate filters, applied outside the library so that a table's chunks can
// be encoded in parallel and stored with H5Dwrite_chunk. Private to sim::io.

#include <cstddef>
#include <span>
#include <vector>

namespace sim::io::detail {

/// What HDF5's shuffle filter (H5Z_FILTER_SHUFFLE) stores for `in`, a whole number of
/// `element_size`-byte elements: byte k of every element, element by element, for k = 0, 1, ...
/// (for 2 elements of 3 bytes, a0 a1 a2 b0 b1 b2 becomes a0 b0 a1 b1 a2 b2). `out` has
/// in.size() bytes.
void shuffle(std::span<const std::byte> in, std::size_t element_size, std::span<std::byte> out);

/// What HDF5's deflate filter (H5Z_FILTER_DEFLATE) stores for `in`: a zlib stream (RFC 1950) at
/// compression `level` (1 to 9), encoded by libdeflate. Any zlib inflates it; the bytes differ
/// from zlib's own encoder at the same level, but depend only on `in` and `level`.
std::vector<std::byte> deflate(std::span<const std::byte> in, int level);

}  // namespace sim::io::detail
