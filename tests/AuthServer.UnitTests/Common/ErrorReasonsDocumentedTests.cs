using System.Reflection;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.SharedTests;

namespace Recovery.AuthServer.UnitTests.Common;

/// <summary>docs/errors.md is what channel engineers switch on: every reason the server can send is in it.</summary>
public class ErrorReasonsDocumentedTests
{
    [Fact]
    public void EveryErrorReason_AppearsInDocsErrorsMd()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "errors.md"));
        var reasons = typeof(ErrorReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(ErrorReasons.Domain))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.True(reasons.Count > 30, "the reasons were not found by reflection");
        var undocumented = reasons.Where(r => !docs.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "not in docs/errors.md: " + string.Join(", ", undocumented));
    }
}
