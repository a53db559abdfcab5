using System.Globalization;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>
/// The gate's hashing threads run below the rest of the server (<see cref="Argon2Options.ThreadNice"/>), read back from
/// the kernel (<c>/proc/self/task/&lt;tid&gt;/stat</c>) and from inside a hash. Linux only: elsewhere the option does
/// nothing and these tests check only that the gate still hashes.
/// </summary>
public sealed class Argon2GateThreadPriorityTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_ThreadNice_HashRunsOnAGateThreadThatMuchLower()
    {
        var before = ThisThreadNice();
        using var gate = new Argon2Gate(2, 10, TestClock.Create(), threadNice: 7);

        var inside = await gate.RunAsync(ReadThisThread, null, CancellationToken.None).WaitAsync(Wait);

        if (!OperatingSystem.IsLinux())
        {
            Assert.All(gate.HashingThreads, t => Assert.Null(t));
            return;
        }

        var expected = Math.Min(19, before!.Value + 7);
        Assert.Equal(2, gate.HashingThreads.Count);
        foreach (var thread in gate.HashingThreads)
        {
            Assert.NotNull(thread);
            var (name, nice) = Stat($"/proc/self/task/{thread.Value.ThreadId}/stat");
            Assert.StartsWith("argon2-", name, StringComparison.Ordinal);
            Assert.Equal(expected, nice);
            Assert.Equal(expected, thread.Value.Nice);
        }

        // The hash itself ran on one of them, at that priority; the caller's thread kept its own.
        Assert.StartsWith("argon2-", inside.Name, StringComparison.Ordinal);
        Assert.Equal(expected, inside.Nice);
        Assert.Equal(before, ThisThreadNice());
    }

    [Fact]
    public async Task RunAsync_ThreadNiceZero_HashRunsAtTheCreatorsPriority()
    {
        var before = ThisThreadNice();
        using var gate = new Argon2Gate(1, 10, TestClock.Create());

        var inside = await gate.RunAsync(ReadThisThread, null, CancellationToken.None).WaitAsync(Wait);

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("argon2-0", inside.Name);
            Assert.Equal(before, inside.Nice);
            Assert.Equal(before, gate.HashingThreads[0]?.Nice);
        }
    }

    [Fact]
    public void Constructor_FromOptions_TakesThreadNice()
    {
        var before = ThisThreadNice();
        using var gate = new Argon2Gate(Options.Create(new Argon2Options { MaxConcurrency = 1, ThreadNice = 4 }), TestClock.Create());

        Assert.Equal(OperatingSystem.IsLinux() ? Math.Min(19, before!.Value + 4) : null, gate.HashingThreads[0]?.Nice);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(19, true)]
    [InlineData(20, false)]
    public void Validate_ThreadNice_ZeroToNineteen(int nice, bool valid)
    {
        var result = new ValidateArgon2Options().Validate(null, new Argon2Options { ThreadNice = nice });

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void Constructor_NegativeThreadNice_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Argon2Gate(1, 10, TestClock.Create(), threadNice: -1));
    }

    private static (string Name, int? Nice) ReadThisThread() =>
        OperatingSystem.IsLinux() ? Stat("/proc/thread-self/stat") : (Thread.CurrentThread.Name ?? "", null);

    private static int? ThisThreadNice() => OperatingSystem.IsLinux() ? Stat("/proc/thread-self/stat").Nice : null;

    // proc(5): "pid (comm) state ppid ...": the name may hold spaces, so the fields are counted after its ')'; nice is
    // the 19th field, the 17th after the name.
    private static (string Name, int Nice) Stat(string path)
    {
        var text = File.ReadAllText(path);
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var after = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (text[(open + 1)..close], int.Parse(after[16], CultureInfo.InvariantCulture));
    }
}
