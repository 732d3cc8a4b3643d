// Package workload measures and balances what the study found heaviest
// (section 4.2, 专职队伍负担沉重): the work of full-time grid workers.
//
// Three computations, all pure (no store), on what wangge already holds:
//
//   - Log, a worker's daily work log (工作日志): patrol distance and time,
//     time inside the worker's grids and their coverage, key places
//     visited and overdue, incidents discovered, reported, handled and
//     escalated, and base-information updates.
//   - Assess, the monthly assessment sheet (考核表) of section 3.1.4: the
//     study's five items as measured indicators, each with a target, a
//     weight, a score and the evidence (days, incidents, key places).
//     Written as XLSX, CSV or JSON, with an SVG chart per worker.
//   - Estimate and Loads, the hours a grid needs per week (households,
//     key places by category, incidents, streets to patrol) with
//     Coefficients explained beside their defaults, the hours measured
//     from tracks and incidents beside it, and overloaded grids flagged.
//     BlockHours gives the same estimate per block, the weight that
//     `wangge partition --weight workload` balances and
//     partition.Editor.Rebalance evens out.
package workload
