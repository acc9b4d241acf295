#include "sim/io/detail/chunk_filters.hpp"

#include <libdeflate.h>

#include <memory>
#include <new>
#include <stdexcept>

#include "sim/engine/concat.hpp"

namespace sim::io::detail {

void shuffle(std::span<const std::byte> in, std::size_t element_size, std::span<std::byte> out) {
  if (element_size == 0 || in.size() % element_size != 0 || out.size() != in.size())
    throw std::logic_error(sim::concat("shuffle: ", in.size(), " bytes in, ", out.size(),
                                       " out, elements of ", element_size));
  const std::size_t elements = in.size() / element_size;
  // byte k of every element goes to plane k of `out`
  for (std::size_t k = 0; k < element_size; ++k)
    for (std::size_t e = 0; e < elements; ++e) out[k * elements + e] = in[e * element_size + k];
}

std::vector<std::byte> deflate(std::span<const std::byte> in, int level) {
  const std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(level), libdeflate_free_compressor);
  if (!compressor) throw std::bad_alloc();
  std::vector<std::byte> out(libdeflate_zlib_compress_bound(compressor.get(), in.size()));
  // never 0 with a buffer of the bound's size
  const std::size_t size =
      libdeflate_zlib_compress(compressor.get(), in.data(), in.size(), out.data(), out.size());
  if (size == 0) throw std::logic_error("deflate: output larger than libdeflate's bound");
  out.resize(size);
  return out;
}

}  // namespace sim::io::detail
