using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.Benchmarks;

/// <summary>
/// What one keystroke of the live meter costs. Baseline: zxcvbn-core 1.1.17 set up as the server used
/// it before it had its own estimator (the same lists and matchers, built once, the customer's data
/// per call), the reference the server's estimator is compared with in <c>StrengthReferenceTests</c>.
/// Then the server's estimator alone, the whole <see cref="PasswordPolicy.Evaluate"/> (what
/// EvaluatePassword and ChangePassword run), the breached-list lookup alone (one hash of the password,
/// the floor of any per-keystroke work), and zxcvbn-core's static entry point, which rebuilds its
/// English dictionaries on every call and knows no Spanish.
/// </summary>
[MemoryDiagnoser]
public class PasswordStrengthBenchmarks
{
    private static readonly string[] UserInputs = ["sergio", "barrios", "gomez", "12345678z", "71234567", "cajamar"];
    private readonly PersonalData personal = new(["SERGIO", "BARRIOS", "GÓMEZ", "12345678Z", "71234567", "612345331", "14031985"]);
    private CommonPasswordList common = null!;
    private StrengthEstimator estimator = null!;
    private ZxcvbnReference zxcvbn = null!;
    private PasswordPolicy policy = null!;

    /// <summary>
    /// From the strength suite: a Spanish word with a digit and a symbol, random characters, a four-word
    /// phrase, 20 random characters (the default maximum), l33t with a year, a keyboard walk.
    /// </summary>
    [Params("Mariposa1!", "vQ7#mZp2&kLx9!", "tapir ocre nube fria", "Gx7#qLm2Vt9$wRz4Kp8a", "P@ssw0rd2024", "qwerty123!")]
    public string Password { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var data = FindDataDirectory();
        var options = new PasswordPolicyOptions();

        // Retained memory of each structure, printed into the benchmark log.
        var before = Retained();
        common = CommonPasswordList.Load(Path.Combine(data, CommonPasswordList.FileName));
        var afterList = Retained();
        var dictionaries = StrengthDictionaries.Load(data);
        var afterDictionaries = Retained();
        estimator = new StrengthEstimator(dictionaries, Options.Create(options));
        var afterEstimator = Retained();
        zxcvbn = new ZxcvbnReference(dictionaries, options);
        zxcvbn.Estimate("warm-up Contraseña1!", ["warm-up"]);
        var afterZxcvbn = Retained();
        Console.WriteLine($"// Retained: common list {common.Count} entries {(afterList - before) / 1048576.0:F1} MiB; word lists {(afterDictionaries - afterList) / 1048576.0:F1} MiB; estimator ({estimator.TrieNodes} trie nodes) {(afterEstimator - afterDictionaries) / 1048576.0:F1} MiB; zxcvbn-core's dictionaries {(afterZxcvbn - afterEstimator) / 1048576.0:F1} MiB");
        policy = new PasswordPolicy(Options.Create(options), common, estimator);
    }

    [Benchmark(Baseline = true)]
    public PasswordStrength ZxcvbnCore() => zxcvbn.Estimate(Password, UserInputs);

    [Benchmark]
    public PasswordStrength Estimator() => estimator.Estimate(Password, UserInputs);

    [Benchmark]
    public PasswordEvaluation Evaluate() => policy.Evaluate(Password, personal);

    [Benchmark]
    public bool CommonListLookup() => common.Contains(Password);

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
