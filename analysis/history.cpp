#include "analysis/history.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <sstream>

namespace analysis {

using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {

std::optional<std::size_t> index_of(const std::vector<std::string>& ids, const std::string& id) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) return std::nullopt;
  return static_cast<std::size_t>(it - ids.begin());
}

/// Months [first, last] as indices into the run, or nullopt when the run does not cover them.
std::optional<std::pair<std::size_t, std::size_t>> span(const RunResults& r, const char* first,
                                                        const char* last) {
  const auto a = index_of(r.months, first);
  const auto b = index_of(r.months, last);
  if (!a || !b) return std::nullopt;
  return std::make_pair(*a, *b);
}

/// Mean over replicates of the sum of metric values at `index` over the months in `months`.
double sum_metric(const RunResults& r, const sim::world::Metric& m, std::size_t index,
                  std::pair<std::size_t, std::size_t> months, bool last_only = false) {
  const std::size_t width = r.width(m.axis);
  double total = 0;
  for (const auto& block : m.values)
    for (std::size_t t = last_only ? months.second : months.first; t <= months.second; ++t)
      total += block[t * width + index];
  return m.values.empty() ? 0.0 : total / static_cast<double>(m.values.size());
}

}  // namespace

std::vector<Aggregate> historical_aggregates(const RunResults& r) {
  std::vector<Aggregate> out;
  const auto nvidia = index_of(r.agent_ids, "nvidia");
  const auto amd = index_of(r.agent_ids, "amd");
  const auto h20 = index_of(r.product_ids, "h20");
  const auto chn = index_of(r.country_ids, "chn");
  const sim::world::Metric* revenue = r.find(MetricAxis::agent, "revenue_usd");

  // NVIDIA's fiscal years end in late January: FY2024 is February 2023 to January 2024
  struct FiscalYear {
    const char* name;
    const char* first;
    const char* last;
    double target, low, high;
    const char* source;
  };
  const std::array<FiscalYear, 3> years = {{
      {"nvidia data-centre revenue FY2023", "2022-02", "2023-01", 15.0e9, 10.5e9, 19.5e9,
       "estimate, derived from the reported FY2024 figure and its +217% growth: "
       "https://meterpreter.org/nvidia-announces-fourth-quarter-and-full-fiscal-year-financial-"
       "results-for-fiscal-year-2024/"},
      {"nvidia data-centre revenue FY2024", "2023-02", "2024-01", 47.5e9, 33.3e9, 61.8e9,
       "reported: https://meterpreter.org/nvidia-announces-fourth-quarter-and-full-fiscal-year-"
       "financial-results-for-fiscal-year-2024/"},
      {"nvidia data-centre revenue FY2025", "2024-02", "2025-01", 115.2e9, 80.6e9, 149.8e9,
       "reported: https://datacenterdynamics.com/en/news/nvidia-posts-record-data-center-"
       "revenue-to-provide-spectrum-x-for-openais-stargate-project"},
  }};
  if (nvidia && revenue != nullptr)
    for (const FiscalYear& fy : years)
      if (const auto months = span(r, fy.first, fy.last))
        out.push_back({fy.name, "USD", sum_metric(r, *revenue, *nvidia, *months), fy.target, fy.low,
                       fy.high, fy.source});

  // AMD's 2024 revenue from buyers in China (all its AI accelerators there)
  if (amd && chn)
    if (const auto months = span(r, "2024-01", "2024-12")) {
      double value = 0;
      for (const auto& f : r.flows)
        if (f.seller == static_cast<int>(*amd) && f.destination == static_cast<int>(*chn) &&
            static_cast<std::size_t>(f.month) >= months->first &&
            static_cast<std::size_t>(f.month) <= months->second)
          value += f.value_usd;
      value /= static_cast<double>(std::max<std::uint64_t>(1, r.replicates));
      out.push_back({"amd revenue from China 2024 (AI accelerators)", "USD", value, 6.2e9 * 0.1,
                     6.2e9 * 0.05, 6.2e9 * 0.2,
                     "reported total $6.2B (24% of AMD's revenue), of which AI accelerators are "
                     "an assumed 5-20%: https://theoutpost.ai/news-story/amd-faces-800-million-"
                     "charge-as-us-tightens-ai-chip-export-controls-to-china-14428"});
    }

  // the H20 order book placed in the first quarter of 2025. NVIDIA's own figures show it was
  // about six months of deliveries: $4.6B shipped and $2.5B stopped in Feb-Apr 2025 and ~$8.0B
  // lost in May-Jul (reported, docs/calibration.md) = $15.1B. The model's labs order month by
  // month, so the book is the first quarter's monthly orders (notional demand x price) kept up
  // for those six months: twice the quarter's orders.
  const sim::world::Metric* demand = r.find(MetricAxis::product, "demand_units");
  const sim::world::Metric* price = r.find(MetricAxis::product, "price_usd");
  if (h20 && demand != nullptr && price != nullptr)
    if (const auto months = span(r, "2025-01", "2025-03")) {
      double value = 0;
      for (std::size_t rep = 0; rep < demand->values.size(); ++rep)
        for (std::size_t t = months->first; t <= months->second; ++t)
          value += demand->values[rep][t * r.product_ids.size() + *h20] *
                   price->values[rep][t * r.product_ids.size() + *h20];
      value *= 6.0 / 3.0;
      value /= static_cast<double>(std::max<std::size_t>(1, demand->values.size()));
      out.push_back({"h20 order book 2025-Q1 (6 months)", "USD", value, 16e9, 11e9, 21e9,
                     "estimate (The Information, via NPR): https://news.wnin.org/2025-04-09/"
                     "trump-administration-backs-off-nvidias-h20-chip-crackdown-after-mar-a-lago-"
                     "dinner"});
    }

  // NVIDIA's H20 stock in July 2025
  if (const sim::world::Metric* stock = r.find(MetricAxis::product, "inventory_units");
      stock != nullptr && h20)
    if (const auto months = span(r, "2025-07", "2025-07"))
      out.push_back({"h20 inventory 2025-07", "chips", sum_metric(r, *stock, *h20, *months, true),
                     650e3, 450e3, 850e3,
                     "estimate (Reuters sources, 600-700k units): https://nextleveloffers.in/"
                     "chinas-appetite-for-nvidia-h20-ai-chips-expands"});

  // chips smuggled into China in 2024 (CNAS median 140k; range 10k to several hundred k)
  if (const sim::world::Metric* div = r.find(MetricAxis::country, "imports_diverted_units");
      div != nullptr && chn)
    if (const auto months = span(r, "2024-01", "2024-12"))
      out.push_back({"chips diverted to China 2024", "chips", sum_metric(r, *div, *chn, *months),
                     140e3, 70e3, 280e3,
                     "estimate (CNAS, June 2025; median of 10k to several hundred thousand): "
                     "https://www.cnas.org/press/press-release/new-paper-warns-ai-chip-smuggling-"
                     "to-china-may-undermine-u-s-national-security-interests"});
  return out;
}

std::string format_aggregates(const std::vector<Aggregate>& aggregates) {
  std::ostringstream out;
  std::array<char, 256> line{};
  std::snprintf(line.data(), line.size(), "%-46s %12s %12s %25s  %s\n", "aggregate", "model",
                "target", "range", "fit");
  out << line.data();
  for (const Aggregate& a : aggregates) {
    std::snprintf(line.data(), line.size(), "%-46s %12.4g %12.4g %12.4g..%-12.4g  %s\n",
                  a.name.c_str(), a.model, a.target, a.low, a.high, a.within() ? "ok" : "OUTSIDE");
    out << line.data();
  }
  return out.str();
}

}  // namespace analysis
