#pragma once

#include <string_view>

/// Texts that `analysis::write_report` inlines into every page, embedded into the binary at
/// build time (analysis/CMakeLists.txt, cmake/embed_text.cmake) so that a report needs no file
/// and no network at view time.
namespace analysis::detail {

/// Chart.js 3 as Debian's libjs-chart.js ships it (`chart.min.js`, the UMD build), its licence
/// header comment included.
std::string_view chart_js();

/// analysis/report_assets/report.js: draws the charts from the page's JSON data.
std::string_view report_js();

/// analysis/report_assets/report.css: the page's style.
std::string_view report_css();

}  // namespace analysis::detail
