namespace ReferralStudio.Triggers.Matching;

/// <summary>A mutable node of a <see cref="RefTrie"/>, only used while building it.</summary>
internal sealed class RefTrieNode
{
    public SortedDictionary<byte, RefTrieNode> Children { get; } = [];

    public List<int> ExactCodes { get; } = [];

    public List<int> PatternsHere { get; } = [];

    public RefTrieNode Walk(ReadOnlySpan<char> folded)
    {
        var node = this;
        foreach (var c in folded)
        {
            var symbol = RefAlphabet.Symbols[c];
            if (!node.Children.TryGetValue(symbol, out var child))
            {
                node.Children[symbol] = child = new RefTrieNode();
            }

            node = child;
        }

        return node;
    }

    public void AddExact(int t) => ExactCodes.Add(t);

    public void AddPattern(int t) => PatternsHere.Add(t);
}

/// <summary>
/// A frozen trie over <see cref="RefAlphabet"/> symbols holding trigger ranks: nodes numbered breadth-first,
/// children and per-node trigger lists in flat arrays (each node's slice runs from its start to the next node's
/// start). Compact and cache-friendly.
/// </summary>
internal sealed class RefTrie
{
    private readonly int[] _childStart;
    private readonly byte[] _childSymbol;
    private readonly int[] _child;
    private readonly int[] _exactStart;
    private readonly int[] _exact;
    private readonly int[] _patternStart;
    private readonly int[] _patterns;

    public RefTrie(RefTrieNode root)
    {
        var nodes = new List<RefTrieNode> { root };
        var childSymbol = new List<byte>();
        var child = new List<int>();
        var exact = new List<int>();
        var patterns = new List<int>();
        var childStart = new List<int>();
        var exactStart = new List<int>();
        var patternStart = new List<int>();
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            childStart.Add(child.Count);
            exactStart.Add(exact.Count);
            patternStart.Add(patterns.Count);
            foreach (var (symbol, next) in node.Children)
            {
                childSymbol.Add(symbol);
                child.Add(nodes.Count);
                nodes.Add(next);
            }

            exact.AddRange(node.ExactCodes);
            patterns.AddRange(node.PatternsHere);
        }

        childStart.Add(child.Count);
        exactStart.Add(exact.Count);
        patternStart.Add(patterns.Count);
        NodeCount = nodes.Count;
        _childStart = [.. childStart];
        _childSymbol = [.. childSymbol];
        _child = [.. child];
        _exactStart = [.. exactStart];
        _exact = [.. exact];
        _patternStart = [.. patternStart];
        _patterns = [.. patterns];
    }

    public int NodeCount { get; }

    public int Child(int node, byte symbol)
    {
        var start = _childStart[node];
        var index = _childSymbol.AsSpan(start, _childStart[node + 1] - start).IndexOf(symbol);
        return index < 0 ? -1 : _child[start + index];
    }

    public bool HasPatterns(int node) => _patternStart[node + 1] != _patternStart[node];

    public ReadOnlySpan<int> Patterns(int node) => _patterns.AsSpan(_patternStart[node], _patternStart[node + 1] - _patternStart[node]);

    public ReadOnlySpan<int> Exact(int node) => _exact.AsSpan(_exactStart[node], _exactStart[node + 1] - _exactStart[node]);
}
