using System.Text.RegularExpressions;
using Recovery.AuthServer.SharedTests;

namespace Recovery.AuthServer.UnitTests.Common;

/// <summary>
/// Every promise in docs/security.md (and every figure or behaviour elsewhere in docs/) names the test that tries to break
/// it. A renamed or deleted test would leave the promise standing on nothing, so each test the docs name must exist.
/// </summary>
public partial class DocumentedTestsExistTests
{
    [Fact]
    public void EveryTestNamedInTheDocs_ExistsInTheTestSources()
    {
        var root = RepositoryRoot.Path;
        var sources = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var classes = sources.SelectMany(s => ClassDeclaration().Matches(s).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var methods = sources.SelectMany(s => MethodDeclaration().Matches(s).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        var named = new List<(string Doc, string Name)>();
        var missing = new List<string>();
        foreach (var doc in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")))
        {
            foreach (Match match in NamedTest().Matches(File.ReadAllText(doc)))
            {
                var name = match.Groups["name"].Value;
                named.Add((Path.GetFileName(doc), name));
                var parts = name.Split('.');
                var classIndex = Array.FindLastIndex(parts, p => p.EndsWith("Tests", StringComparison.Ordinal) || p.EndsWith("Contract", StringComparison.Ordinal));
                var method = classIndex < parts.Length - 1 ? parts[classIndex + 1] : null;
                var known = classes.Contains(parts[classIndex]) && (method is null || MethodExists(method, methods));
                if (!known)
                {
                    missing.Add($"{Path.GetFileName(doc)}: {name}");
                }
            }
        }

        // The docs name well over a hundred tests: a pattern that found none would make this test pass on nothing.
        Assert.True(named.Count(n => n.Doc == "security.md") > 100, $"only {named.Count(n => n.Doc == "security.md")} test names found in docs/security.md");
        Assert.True(missing.Count == 0, "named in the docs but not in tests/: " + string.Join(Environment.NewLine, missing));
    }

    // A name with '*' stands for every test it matches (a theory's cases, a family of tests): at least one must exist.
    private static bool MethodExists(string method, HashSet<string> methods)
    {
        if (!method.Contains('*', StringComparison.Ordinal))
        {
            return methods.Contains(method);
        }

        var pattern = new Regex("^" + string.Join(".*", method.Split('*').Select(Regex.Escape)) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
        return methods.Any(pattern.IsMatch);
    }

    // `Namespace.Parts.SomethingTests.Method_Condition_Expected` or `SomethingTests` / `SomethingContract` alone, in backticks
    // (a file name, `SomethingTests.cs`, counts as its class).
    [GeneratedRegex(@"`(?<name>(?:[A-Z][A-Za-z0-9]*\.)*[A-Z][A-Za-z0-9]*(?:Tests|Contract)(?:\.(?!cs`)[A-Za-z0-9_*]+)?)`")]
    private static partial Regex NamedTest();

    [GeneratedRegex(@"\b(?:class|record)\s+([A-Z][A-Za-z0-9]*)")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"\b(?:Task|void|ValueTask)\s+([A-Za-z0-9_]+)\s*\(")]
    private static partial Regex MethodDeclaration();
}
