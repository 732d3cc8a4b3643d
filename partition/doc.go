// Package partition draws grids from complete blocks: the block adjacency
// graph, dedicated grids for institutions, basic grids balanced by a
// weight (households, population) inside each parent area, their shape
// metrics and codes, and the edits a planner makes to a plan (move a
// block, lock grids, redraw a region, validate, diff).
//
// The engine, Draw, works in three steps on every connected piece of
// every parent area:
//
//  1. Recursive spanning-tree bisection: a random minimum spanning tree
//     of the piece is cut at the edge that splits the weight in the
//     proportion of the grid counts of both sides while keeping both
//     sides as compact as possible (second moment of area, which sums up
//     the tree). Both sides of a tree cut are connected, and the depth
//     of the recursion is log k, so this costs about n log n.
//  2. Balance repair: boundary blocks move from grids above the bounds to
//     neighbours below them, never through an articulation block, so a
//     grid never falls apart.
//  3. Compactness: the same boundary moves, accepted when they keep every
//     grid in bounds and raise the Polsby-Popper score of the pair
//     (computed incrementally from block areas, perimeters and shared
//     boundary lengths).
//
// Randomness comes from a PCG generator seeded by Options.Seed, and maps
// are never iterated unordered, so one input and one seed give one plan.
package partition
