using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.UnitTests.Notifications;

/// <summary>
/// Texts made only of literal text and values render without Fluid (CompiledText): exactly what Fluid renders, for
/// every shipped file and awkward values; a file with a tag or a treatment the pieces cannot reproduce stays with Fluid.
/// </summary>
public sealed class CompiledTextTests : IDisposable
{
    private static readonly string ShippedDirectory = new NotificationTextsOptions().ResolvedDirectory;
    private readonly string copy = Directory.CreateTempSubdirectory("recovery-compiled-texts-").FullName;

    public void Dispose() => Directory.Delete(copy, recursive: true);

    [Fact]
    public void Shipped_EveryFile_CompiledSoNoMessageRendersWithFluid()
    {
        var texts = NotificationTexts.Shipped;
        var files = Files().ToList();

        Assert.Equal(2 * NotificationTemplates.All.Sum(t => t.Parts.Count), files.Count);
        Assert.All(files, f => Assert.True(texts.IsCompiled(f.Template, f.Language, f.Part), $"{f.Language.Tag()}/{f.Template}.{f.Part} renders with Fluid"));
    }

    [Fact]
    public void RenderPart_EveryShippedFileAndManyValues_SameAsFluid()
    {
        var texts = NotificationTexts.Shipped;
        var random = new Random(20261130);
        string[] alphabet = ["a", "Z", "7", " ", "<", ">", "&", "\"", "'", "á", "Ñ", "ç", "€", "[", "\\", "~", "\n", "😀", "{{", "%}", "é"];
        var compared = 0;
        foreach (var (template, language, part) in Files())
        {
            for (var round = 0; round < 40; round++)
            {
                var values = NotificationTemplates.Find(template).Values.ToDictionary(
                    v => v,
                    _ => string.Concat(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])));

                // A value a text cannot take (the gsm7 filter refuses a lone surrogate) fails the same way on both paths.
                Assert.Equal(Outcome(() => texts.RenderPartWithFluid(template, language, part, values)), Outcome(() => texts.RenderPart(template, language, part, values)));
                compared++;
            }
        }

        Assert.True(compared >= 2 * 16 * 40);
    }

    [Fact]
    public void RecoveryCodeSms_Compiled_TheTextCustomersGet()
    {
        var sms = NotificationTexts.Shipped.RecoveryCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(5), Language.Spanish);

        Assert.Equal(
            "Banca a Distancia: tu codigo para confirmar la peticion de nuevas claves es 123456. Caduca en 5 min. No lo compartas con nadie.",
            sms.Text);
    }

    [Fact]
    public void Load_FileWithATag_StaysWithFluidAndRendersItsBranches()
    {
        CopyShipped();
        File.WriteAllText(
            Path.Combine(copy, "en", "recovery-code.sms.liquid"),
            "Bank: {% if expires_minutes == \"5\" %}{{ code }} for 5 min{% else %}{{ code }} (valid {{ expires_minutes }} min){% endif %}.\n");

        var texts = NotificationTexts.Load(copy);

        Assert.False(texts.IsCompiled(NotificationTemplates.RecoveryCode, Language.English, NotificationTemplateSpec.SmsPart));
        Assert.True(texts.IsCompiled(NotificationTemplates.RecoveryCode, Language.Spanish, NotificationTemplateSpec.SmsPart));
        Assert.Equal("Bank: 123456 for 5 min.", texts.RecoveryCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(5), Language.English).Text);
        Assert.Equal("Bank: 123456 (valid 10 min).", texts.RecoveryCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(10), Language.English).Text);
    }

    [Fact]
    public void Load_FileWithAFilterOtherThanGsm7_StaysWithFluid()
    {
        CopyShipped();
        File.WriteAllText(Path.Combine(copy, "en", "recovery-code.sms.liquid"), "Bank: {{ code | upcase }} ({{ expires_minutes }} min).\n");

        var texts = NotificationTexts.Load(copy);

        Assert.False(texts.IsCompiled(NotificationTemplates.RecoveryCode, Language.English, NotificationTemplateSpec.SmsPart));
        Assert.Equal("Bank: AB12 (5 min).", texts.RenderPart(NotificationTemplates.RecoveryCode, Language.English, NotificationTemplateSpec.SmsPart,
            new Dictionary<string, string> { ["code"] = "ab12", ["expires_minutes"] = "5" }));
    }

    [Fact]
    public void Load_ValuePrintedTwiceWithGsm7AndThePhone_CompiledAndSameAsFluid()
    {
        CopyShipped();
        File.WriteAllText(
            Path.Combine(copy, "es-ES", "recovery-code.sms.liquid"),
            "  {{ code | gsm7 }} / {{ code }} - {{ expires_minutes }} min. Llama al {{ call_centre_phone }}  \n");
        var texts = NotificationTexts.Load(copy);
        var values = new Dictionary<string, string> { ["code"] = "Señor ÁÉ €", ["expires_minutes"] = "5" };

        Assert.True(texts.IsCompiled(NotificationTemplates.RecoveryCode, Language.Spanish, NotificationTemplateSpec.SmsPart));
        var rendered = texts.RenderPart(NotificationTemplates.RecoveryCode, Language.Spanish, NotificationTemplateSpec.SmsPart, values);
        Assert.Equal(texts.RenderPartWithFluid(NotificationTemplates.RecoveryCode, Language.Spanish, NotificationTemplateSpec.SmsPart, values), rendered);
        Assert.Equal("Señor AÉ € / Señor ÁÉ € - 5 min. Llama al " + NotificationTemplates.CallCentrePhone, rendered);
    }

    private static string Outcome(Func<string> render)
    {
        try
        {
            return "=" + render();
        }
        catch (ArgumentException ex)
        {
            return "!" + ex.GetType().FullName;
        }
    }

    private static IEnumerable<(string Template, Language Language, string Part)> Files() =>
        from language in NotificationTexts.Languages
        from spec in NotificationTemplates.All
        from part in spec.Parts
        select (spec.Name, language, part);

    private void CopyShipped()
    {
        foreach (var file in Directory.GetFiles(ShippedDirectory, "*.liquid", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(ShippedDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
