package diff

import (
	"cmp"
	"slices"
	"strings"
)

// edge says that table from must be created (or dropped) before table to,
// because of the foreign key fk of table table.
type edge struct {
	from, to  string
	table, fk string
}

// sortTables orders tables so that, for every edge it keeps, the edge's
// from table comes before its to table; among the tables free to go next
// the one first by name goes first.
//
// Edges that close a cycle cannot be kept. sortTables cuts them and returns
// them, sorted by table and foreign key: they are the back edges of a
// depth-first walk that visits the tables, and the edges of each, in name
// order, so a cycle of n tables loses exactly one edge. Self-references
// must not be among edges.
func sortTables(tables []string, edges []edge) (order []string, cut []edge) {
	tables = slices.Sorted(slices.Values(tables))
	edges = slices.Clone(edges)
	slices.SortFunc(edges, compareEdges)
	out := map[string][]int{} // table -> indexes in edges of its outgoing edges
	for i, e := range edges {
		out[e.from] = append(out[e.from], i)
	}

	isCut := make([]bool, len(edges))
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var walk func(t string)
	walk = func(t string) {
		state[t] = onPath
		for _, i := range out[t] {
			switch state[edges[i].to] {
			case onPath:
				isCut[i] = true
			case unseen:
				walk(edges[i].to)
			}
		}
		state[t] = done
	}
	for _, t := range tables {
		if state[t] == unseen {
			walk(t)
		}
	}

	waiting := map[string]int{} // table -> kept edges into it not yet satisfied
	for i, e := range edges {
		if isCut[i] {
			cut = append(cut, e)
		} else {
			waiting[e.to]++
		}
	}
	var ready []string // sorted
	for _, t := range tables {
		if waiting[t] == 0 {
			ready = append(ready, t)
		}
	}
	for len(ready) > 0 {
		t := ready[0]
		ready = ready[1:]
		order = append(order, t)
		for _, i := range out[t] {
			if isCut[i] {
				continue
			}
			to := edges[i].to
			if waiting[to]--; waiting[to] == 0 {
				j, _ := slices.BinarySearch(ready, to)
				ready = slices.Insert(ready, j, to)
			}
		}
	}
	slices.SortFunc(cut, func(a, b edge) int {
		return cmp.Or(strings.Compare(a.table, b.table), strings.Compare(a.fk, b.fk))
	})
	return order, cut
}

func compareEdges(a, b edge) int {
	return cmp.Or(strings.Compare(a.from, b.from), strings.Compare(a.to, b.to),
		strings.Compare(a.table, b.table), strings.Compare(a.fk, b.fk))
}
