// Package partition draws grids from complete blocks: the block adjacency
// graph, dedicated grids for institutions, basic grids balanced by a
// weight (households, population) inside each parent area, their shape
// metrics and codes, and the edits a planner makes to a plan (move a
// block, lock grids, redraw a region, validate, diff).
//
// Blocks are neighbours when they share a stretch of boundary (found
// segment against segment, so a vertex on one side only does not matter;
// touching at a point is not adjacency) or, with a gap, come within gap
// metres. The engine, Draw, works on every connected piece of every
// parent area in four steps:
//
//  1. Recursive spanning-tree bisection: a random spanning tree of the
//     piece is cut at the edge that gives each side its share of the
//     weight (±5%, inside the bounds of its number of grids) and, among
//     those, the roundest sides (area over polar moment of inertia,
//     which adds up over the tree). Both sides of a tree cut are
//     connected and the recursion is log k deep: about n log n.
//  2. Repair: boundary blocks move from grids out of bounds towards
//     lighter neighbours, never through an articulation block, so a grid
//     never falls apart; a grid still out of bounds is redrawn together
//     with one or two neighbours (in bounds mode the group may come back
//     as one grid more or fewer).
//  3. Shape: simulated annealing over boundary-block moves that keep every
//     grid in bounds and connected, maximising Σ log Polsby-Popper
//     (computed incrementally from block areas, perimeters and shared
//     boundary lengths), which lifts the worst grids first.
//  4. Output: each grid's blocks dissolved into one polygon (geo.Dissolve),
//     its geodesic area, perimeter, Polsby-Popper and convex-hull ratio,
//     codes in west→east, north→south order, and notes on odd input.
//
// Randomness comes from a PCG generator seeded by Options.Seed and maps
// are never iterated unordered, so one input and one seed give one plan.
package partition
