using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;

namespace Recovery.Benchmarks;

/// <summary>
/// What one keystroke of the live meter costs. Baseline: the breached-list lookup alone (one hash
/// of the normalised password). Then the estimator alone, the whole <see cref="PasswordPolicy.Evaluate"/>
/// (what EvaluatePassword and ChangePassword run), and for comparison the zxcvbn-core static entry
/// point the server used before, which rebuilds its English dictionaries on every call and knows no Spanish.
/// </summary>
[MemoryDiagnoser]
public class PasswordStrengthBenchmarks
{
    private static readonly string[] UserInputs = ["sergio", "barrios", "gomez", "12345678z", "71234567", "cajamar"];
    private readonly PersonalData personal = new(["SERGIO", "BARRIOS", "GÓMEZ", "12345678Z", "71234567", "612345331", "14031985"]);
    private CommonPasswordList common = null!;
    private StrengthEstimator estimator = null!;
    private PasswordPolicy policy = null!;

    /// <summary>A Spanish word with a digit and a symbol, random characters, a four-word phrase, and 20 random characters (the default maximum).</summary>
    [Params("Mariposa1!", "vQ7#mZp2&kLx9!", "tapir ocre nube fria", "Gx7#qLm2Vt9$wRz4Kp8a")]
    public string Password { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var data = FindDataDirectory();
        var options = Options.Create(new PasswordPolicyOptions());

        // Retained memory of each structure, printed into the benchmark log.
        var before = Retained();
        common = CommonPasswordList.Load(Path.Combine(data, CommonPasswordList.FileName));
        var afterList = Retained();
        estimator = new StrengthEstimator(StrengthDictionaries.Load(data), options);
        var afterEstimator = Retained();
        Console.WriteLine($"// Retained: common list {common.Count} entries {(afterList - before) / 1048576.0:F1} MiB; estimator with dictionaries {(afterEstimator - afterList) / 1048576.0:F1} MiB");
        policy = new PasswordPolicy(options, common, estimator);
    }

    [Benchmark(Baseline = true)]
    public bool CommonListLookup() => common.Contains(Password);

    [Benchmark]
    public PasswordStrength Estimator() => estimator.Estimate(Password, UserInputs);

    [Benchmark]
    public PasswordEvaluation Evaluate() => policy.Evaluate(Password, personal);

    [Benchmark]
    public int ZxcvbnCoreStatic() => Zxcvbn.Zxcvbn.MatchPassword(Password, UserInputs).Score;

    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string FindDataDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "Data"), Path.Combine(dir.FullName, "src", "AuthServer", "Data") })
                {
                    if (File.Exists(Path.Combine(candidate, CommonPasswordList.FileName)))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException("Data/common-passwords.txt.gz not found beside the benchmark or in the source tree.");
    }
}
