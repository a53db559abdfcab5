using System.Text.RegularExpressions;
using Recovery.AuthServer.SharedTests;

namespace Recovery.AuthServer.UnitTests.Architecture;

/// <summary>
/// The server's namespaces keep the layering docs/architecture.md draws: read from the compiled assembly
/// (<see cref="NamespaceGraph"/>), every use between units is in its row of <see cref="Layering.Units"/>, there is no
/// cycle, and the picture in the docs names the same layers and units as the table.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Lazy<NamespaceGraph> Server =
        new(() => NamespaceGraph.Read(typeof(global::Recovery.AuthServer.Common.Failure).Assembly.Location));

    [Fact]
    public void Read_FixtureAssembly_SeesEveryKindOfUse()
    {
        var graph = NamespaceGraph.Read(typeof(LayeringTests).Assembly.Location, typeof(Fixture.User.Consumer).Namespace![..^".User".Length]);

        Assert.Equal(
            ["ViaAttribute", "ViaBase", "ViaBody", "ViaCatch", "ViaField", "ViaGeneric", "ViaLambda", "ViaReturn", "ViaTypeof"],
            graph.Uses["User"].Order(StringComparer.Ordinal));
        Assert.Equal(["User"], graph.Uses["Unused"]);
        Assert.Empty(graph.Uses["ViaBody"]);
        Assert.Equal("User.Consumer uses ViaCatch.Boom", graph.Example("User", "ViaCatch"));
    }

    [Fact]
    public void Namespaces_EachHasARowInTheTable()
    {
        var missing = Server.Value.Nodes.Where(n => Layering.UnitOf(n) is null).Order(StringComparer.Ordinal).ToList();
        var stale = Layering.Units.SelectMany(u => u.Members.Prepend(u.Name)).Except(Server.Value.Nodes).ToList();

        Assert.True(missing.Count == 0, "namespaces with no row in Layering.Units (add one, at the layer it belongs to): " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "rows of Layering.Units for namespaces the assembly no longer has: " + string.Join(", ", stale));
    }

    [Fact]
    public void Imports_EachUnit_UsesOnlyWhatItsRowAllows()
    {
        var rows = Layering.Units.ToDictionary(u => u.Name);
        var outside = UnitUses()
            .Where(e => rows.TryGetValue(e.From, out var row) && !row.Uses.Contains(e.To) && !Layering.KnownViolations.Contains((e.From, e.To)))
            .Select(e => $"{e.From} → {e.To} ({e.Example})")
            .ToList();

        Assert.True(outside.Count == 0,
            "uses outside Layering.Units (move the type to its owner rather than widen a row):\n" + string.Join("\n", outside));
    }

    [Fact]
    public void KnownViolations_EachStillOccurs()
    {
        var actual = UnitUses().Select(e => (e.From, e.To)).ToHashSet();
        var stale = Layering.KnownViolations.Where(v => !actual.Contains(v)).Select(v => $"{v.From} → {v.To}").ToList();

        Assert.True(stale.Count == 0, "no longer used: delete from Layering.KnownViolations: " + string.Join(", ", stale));
    }

    [Fact]
    public void Imports_FormNoCycle()
    {
        // The known violations are the only uses that may close a cycle today; with the list empty this is the whole graph.
        var edges = UnitUses().Where(e => !Layering.KnownViolations.Contains((e.From, e.To))).ToList();
        var cycles = Cycles(edges.Select(e => (e.From, e.To)))
            .Select(c => string.Join(" ⇄ ", c) + ": " + string.Join("; ", edges.Where(e => c.Contains(e.From) && c.Contains(e.To)).Select(e => e.Example)))
            .ToList();

        Assert.True(cycles.Count == 0, "namespaces that use each other:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Table_PointsDownOnly_WithoutCycles()
    {
        var layers = Layering.Units.ToDictionary(u => u.Name, u => u.Layer);
        var wrong = new List<string>();
        foreach (var unit in Layering.Units)
        {
            foreach (var use in unit.Uses)
            {
                if (!layers.TryGetValue(use, out var layer))
                {
                    wrong.Add($"{unit.Name} → {use}: no such unit");
                }
                else if (layer > unit.Layer || (layer == unit.Layer && unit.Layer != 2))
                {
                    wrong.Add($"{unit.Name} (L{unit.Layer}) → {use} (L{layer}): not down");
                }
            }
        }

        wrong.AddRange(Layering.KnownViolations
            .Where(v => Layering.Units.Any(u => u.Name == v.From && u.Uses.Contains(v.To)))
            .Select(v => $"{v.From} → {v.To}: a known violation the table allows"));
        wrong.AddRange(Cycles(Layering.Units.SelectMany(u => u.Uses.Select(to => (u.Name, to)))).Select(c => "cycle in the table: " + string.Join(" ⇄ ", c)));

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void ExternalNamespaces_OnlyTheirOwnersUseThem()
    {
        var wrong = (
            from node in Server.Value.Nodes
            from ns in Server.Value.External[node]
            from owner in Layering.ExternalOwners
            where ns.StartsWith(owner.Prefix, StringComparison.Ordinal) && !owner.Units.Contains(Layering.UnitOf(node))
            select $"{node} uses {ns}").Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.True(wrong.Count == 0, "wire and Redis types outside their adapters:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void ArchitectureDoc_LayeringPicture_MatchesTheTable()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "architecture.md"));
        var block = LayersBlock().Match(doc);
        Assert.True(block.Success, "docs/architecture.md has no ```layers block");

        var drawn = new List<string>();
        foreach (var line in block.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (LayerLine().Match(line) is { Success: true } layer)
            {
                drawn.AddRange(layer.Groups["units"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => $"L{layer.Groups["n"].Value} {u}"));
            }
            else if (WithinLine().Match(line) is { Success: true } within)
            {
                drawn.AddRange(within.Groups["to"].Value.Split(',', StringSplitOptions.TrimEntries)
                    .Select(to => $"L{within.Groups["n"].Value} {within.Groups["from"].Value} → {to}"));
            }
        }

        var layers = Layering.Units.ToDictionary(u => u.Name, u => u.Layer);
        var table = Layering.Units.Select(u => $"L{u.Layer} {u.Label}")
            .Concat(Layering.Units.SelectMany(u => u.Uses.Where(to => layers[to] == u.Layer).Select(to => $"L{u.Layer} {u.Name} → {to}")))
            .ToList();

        Assert.Equal(table.Order(StringComparer.Ordinal), drawn.Order(StringComparer.Ordinal));
    }

    /// <summary>The graph between units: a namespace counts for its unit (or for itself when it has no row).</summary>
    private static List<(string From, string To, string Example)> UnitUses()
    {
        var graph = Server.Value;
        return (
            from user in graph.Nodes
            from used in graph.Uses[user]
            let a = Layering.UnitOf(user) ?? user
            let b = Layering.UnitOf(used) ?? used
            where a != b
            group graph.Example(user, used) by (a, b) into g
            select (g.Key.a, g.Key.b, g.Min(StringComparer.Ordinal)!)).ToList();
    }

    /// <summary>Strongly connected sets of more than one node (each node's reach computed by search; the graphs are small).</summary>
    private static List<List<string>> Cycles(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var nodes = next.Keys.Concat(next.Values.SelectMany(v => v)).Distinct().ToList();
        var reach = nodes.ToDictionary(n => n, n =>
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>([n]);
            while (stack.TryPop(out var at))
            {
                foreach (var to in next.GetValueOrDefault(at, []))
                {
                    if (seen.Add(to))
                    {
                        stack.Push(to);
                    }
                }
            }

            return seen;
        });

        return nodes.Where(n => reach[n].Contains(n))
            .GroupBy(n => string.Join(",", nodes.Where(m => reach[n].Contains(m) && reach[m].Contains(n)).Order(StringComparer.Ordinal)))
            .Select(g => g.Key.Split(',').ToList())
            .Where(c => c.Count > 1)
            .ToList();
    }

    [GeneratedRegex(@"^```layers\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex LayersBlock();

    [GeneratedRegex(@"^L(?<n>\d)\s+(?<units>.+)$")]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"^within L(?<n>\d):\s*(?<from>\S+)\s*→\s*(?<to>.+)$")]
    private static partial Regex WithinLine();
}
