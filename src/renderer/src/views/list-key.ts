// A React key for an element whose children are a list that can grow by thousands at once (the
// timeline's host and namespace selects list them all). React inserts new children of a
// mounted element one by one, each searching past the siblings inserted with it (quadratic in
// how many arrive together); an element mounted anew gets all its children in one pass. The key
// changes when the length crosses a power of two: a jump remounts, slow growth rarely does.

export const listKey = (length: number): number => Math.floor(Math.log2(length + 1));
