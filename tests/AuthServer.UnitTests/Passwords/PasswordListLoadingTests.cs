using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>The shipped lists load, and a missing, damaged or cut-short list throws (the host then refuses to start).</summary>
public sealed class PasswordListLoadingTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "lists-" + Guid.NewGuid().ToString("N"));

    public PasswordListLoadingTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void CommonPasswordList_RealFile_HoldsOverHundredThousandNormalisedEntries()
    {
        Assert.True(CommonPasswords.List.Count >= CommonPasswordList.MinimumShippedEntries, $"Only {CommonPasswords.List.Count} entries.");
        Assert.True(CommonPasswords.List.Contains("password1"));
        Assert.True(CommonPasswords.List.Contains("  QWERTY123 "));
        Assert.True(CommonPasswords.List.Contains("Contraseña"));
        Assert.True(CommonPasswords.List.Contains("1qaz2wsx3edc"));
        Assert.False(CommonPasswords.List.Contains("vQ7#mZp2&kLx9!"));
    }

    [Fact]
    public void StrengthDictionaries_RealFiles_HoldTheSpanishListsWithAccentFreeForms()
    {
        var ranked = CommonPasswords.Dictionaries.Ranked;

        Assert.Equal(["es_first_names", "es_last_names", "es_wikipedia", "es_words"], ranked.Keys.Order());
        Assert.Contains("batería", ranked["es_words"]);
        Assert.Contains("bateria", ranked["es_words"]);
        Assert.Contains("gomez", ranked["es_last_names"]);
        Assert.DoesNotContain(ranked.Values.SelectMany(l => l), w => w.Length < 2);
    }

    [Fact]
    public void CommonPasswordList_EmptyOrCommentsOnly_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new CommonPasswordList(["# comment", string.Empty]));
    }

    [Fact]
    public void CommonPasswordList_MissingFile_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => CommonPasswordList.Load(Path.Combine(folder, "none", CommonPasswordList.FileName)));
    }

    [Fact]
    public void CommonPasswordList_FewerEntriesThanShipped_Throws()
    {
        var path = WriteGzip(CommonPasswordList.FileName, Enumerable.Range(0, 5_000).Select(i => "password" + i));

        var e = Assert.Throws<InvalidOperationException>(() => CommonPasswordList.Load(path));
        Assert.Contains("5000 entries", e.Message);
    }

    [Fact]
    public void CommonPasswordList_TruncatedGzip_Throws()
    {
        var whole = File.ReadAllBytes(Path.Combine(CommonPasswords.FindDataDirectory(), CommonPasswordList.FileName));
        var path = Path.Combine(folder, CommonPasswordList.FileName);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        Assert.ThrowsAny<Exception>(() => CommonPasswordList.Load(path));
    }

    [Fact]
    public void CommonPasswordList_NotGzip_ThrowsInvalidData()
    {
        var path = Path.Combine(folder, CommonPasswordList.FileName);
        File.WriteAllText(path, "password\nqwerty\n");

        Assert.Throws<InvalidDataException>(() => CommonPasswordList.Load(path));
    }

    [Fact]
    public void CommonPasswordList_NotUtf8_ThrowsInvalidData()
    {
        var path = Path.Combine(folder, "latin1.txt");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("contrase"), 0xF1, (byte)'a', (byte)'\n']); // ñ in Latin-1

        Assert.Throws<InvalidDataException>(() => CommonPasswordList.Load(path, minimumEntries: 1));
    }

    [Fact]
    public void StrengthDictionaries_MissingFolder_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => StrengthDictionaries.Load(folder));
    }

    [Fact]
    public void StrengthDictionaries_ListCutShort_Throws()
    {
        Directory.CreateDirectory(Path.Combine(folder, StrengthDictionaries.Folder));
        foreach (var file in Directory.GetFiles(Path.Combine(CommonPasswords.FindDataDirectory(), StrengthDictionaries.Folder), "*.gz"))
        {
            File.Copy(file, Path.Combine(folder, StrengthDictionaries.Folder, Path.GetFileName(file)));
        }

        WriteGzip(Path.Combine(StrengthDictionaries.Folder, "es-common-words.txt.gz"), ["casa", "perro"]);

        var e = Assert.Throws<InvalidOperationException>(() => StrengthDictionaries.Load(folder));
        Assert.Contains("es-common-words", e.Message);
    }

    [Fact]
    public void StrengthEstimator_ConfiguredBankWord_RanksItFirst()
    {
        var estimator = CommonPasswords.Estimator(new PasswordPolicyOptions { BankWords = ["bancoeuropa"] });

        Assert.True(estimator.Estimate("Bancoeuropa2024!", []) < PasswordStrength.Strong);
        Assert.True(CommonPasswords.DefaultEstimator.Estimate("Cajamar2024!", []) < PasswordStrength.Strong);
    }

    [Fact]
    public void StrengthEstimator_UserInputs_LowerTheLevel()
    {
        var estimator = CommonPasswords.DefaultEstimator;

        Assert.Equal(PasswordStrength.VeryStrong, estimator.Estimate("Xwqzpt#Kovrel9", []));
        Assert.True(estimator.Estimate("Xwqzpt#Kovrel9", ["xwqzpt", "kovrel"]) < PasswordStrength.Strong);
    }

    private string WriteGzip(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(folder, name);
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }

        return path;
    }
}
