using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Hosting;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Xunit.Abstractions;

namespace Recovery.AuthServer.UnitTests.Notifications;

/// <summary>The message texts as Liquid files: what they render, and how a broken file is caught at start.</summary>
public sealed class NotificationTextsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string ShippedDirectory = new NotificationTextsOptions().ResolvedDirectory;
    private readonly string copy = Directory.CreateTempSubdirectory("recovery-texts-").FullName;

    public void Dispose() => Directory.Delete(copy, recursive: true);

    [Fact]
    public void Validate_ShippedTexts_NoProblem()
    {
        Assert.Empty(NotificationTexts.Validate(ShippedDirectory));
        Assert.Equal(2 * NotificationTemplates.All.Sum(t => t.Parts.Count), Directory.GetFiles(ShippedDirectory, "*.liquid", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Factories_EveryTemplate_GivesExactlyTheValuesItsSpecDeclares()
    {
        var texts = NotificationTexts.Shipped;
        foreach (var language in NotificationTexts.Languages)
        {
            Notification[] all =
            [
                texts.RecoveryCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(5), language),
                texts.TemporaryPasswordSms("+34600000001", "Ka7#mPq4Rt9x", TimeSpan.FromHours(24), language),
                texts.OperationCodeSms("+34600000001", "123456", "d", "23522111", language),
                texts.AuthenticatorCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(5), language),
                texts.UserCodeEmail("a@b.es", "ANA", "71234567", language),
                texts.PasswordChangedEmail("a@b.es", "ANA", language),
                texts.AuthenticatorAddedEmail("a@b.es", "ANA", language),
                texts.OperationCodeByVoiceEmail("a@b.es", "ANA", "d", "23522111", language),
            ];

            Assert.Equal(NotificationTemplates.All.Select(t => t.Name).Order(), all.Select(n => n.Template).Order());
            foreach (var n in all)
            {
                var spec = NotificationTemplates.Find(n.Template);
                Assert.Equal(spec.Channel, n.Channel);
                Assert.Equal(spec.Values.Order(), n.Values.Keys.Order());
                Assert.Equal(n.Channel == NotificationChannel.Email, n.Subject is not null && n.Html is not null);
            }
        }
    }

    [Fact]
    public void Emails_SpanishAndEnglish_TextsAsBeforeTheyBecameFiles()
    {
        var texts = NotificationTexts.Shipped;

        Assert.Equal(
            "Hola ANA: tu código de usuario de Banca a Distancia es 71234567. Te hemos enviado por SMS una contraseña temporal. Por tu seguridad hemos cerrado tus otras sesiones; tu app de autenticación, si tienes una, sigue vinculada (si no la reconoces, llámanos). Si no has pedido nuevas claves, llama al 950 183 313.",
            texts.UserCodeEmail("a@b.es", "ANA", "71234567", Language.Spanish).Text);
        Assert.Equal(
            "Hello ANA: your Banca a Distancia user code is 71234567. Your temporary password has been sent to your mobile by SMS. For your security we have closed your other sessions; your authenticator app, if you have one, stays linked (if you do not recognise it, call us). If you did not request new keys, call 950 183 313.",
            texts.UserCodeEmail("a@b.es", "ANA", "71234567", Language.English).Text);
        Assert.Equal(
            "Hola ANA: a petición tuya te hemos dado por teléfono una clave para firmar \"Cambio\", ref. 23522111. Si no nos has llamado, llama cuanto antes al 950 183 313.",
            texts.OperationCodeByVoiceEmail("a@b.es", "ANA", "Cambio", "23522111", Language.Spanish).Text);
        Assert.Equal(
            "Hello ANA: an authenticator app can now sign your Banca a Distancia operations. If it was not you, call 950 183 313 at once.",
            texts.AuthenticatorAddedEmail("a@b.es", "ANA", Language.English).Text);
        Assert.Equal("Tu código de usuario de Banca a Distancia", texts.UserCodeEmail("a@b.es", "ANA", "71234567", Language.Spanish).Subject);
        Assert.Equal("Your Banca a Distancia password has been changed", texts.PasswordChangedEmail("a@b.es", "ANA", Language.English).Subject);
    }

    [Fact]
    public void UserCodeEmail_NameWithMarkup_EscapedInHtmlVerbatimInText()
    {
        var n = NotificationTexts.Shipped.UserCodeEmail("a@b.es", "<b>ANA</b> & \"CO\"", "71234567", Language.Spanish);

        Assert.Contains("Hola &lt;b&gt;ANA&lt;/b&gt; &amp; &quot;CO&quot;:", n.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>ANA", n.Html, StringComparison.Ordinal);
        Assert.Contains("<strong>71234567</strong>", n.Html, StringComparison.Ordinal);
        Assert.Contains("Tu código de usuario", n.Html, StringComparison.Ordinal);
        Assert.StartsWith("Hola <b>ANA</b> & \"CO\":", n.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every SMS text with the longest values the configuration allows: all in GSM-7; one segment
    /// except the two Spanish ones docs/notifications.md names (two segments).
    /// </summary>
    [Fact]
    public void SmsTexts_LongestValues_Gsm7WithinTheirSegmentBudget()
    {
        var texts = NotificationTexts.Shipped;
        var twoSegments = new HashSet<(string, Language)> { (NotificationTemplates.OperationCode, Language.Spanish), (NotificationTemplates.AuthenticatorCode, Language.Spanish) };
        var longest = new Dictionary<string, string>
        {
            ["code"] = "12345678",
            ["expires_minutes"] = "30",
            ["temporary_password"] = "Ka7#mPq4Rt9x",
            ["expires_hours"] = "168",
            ["reference"] = "23522111",
        };
        foreach (var spec in NotificationTemplates.All.Where(t => t.Channel == NotificationChannel.Sms))
        {
            foreach (var language in NotificationTexts.Languages)
            {
                var values = spec.Values.ToDictionary(v => v, v => v == "description" ? NotificationTemplates.PasswordChangeDescription(language) : longest[v]);
                var text = texts.RenderPart(spec.Name, language, NotificationTemplateSpec.SmsPart, values);
                var segments = Gsm7.Segments(text);
                output.WriteLine($"{language.Tag(),-6} {spec.Name,-28} {text.Length,3} chars, GSM-7 {Gsm7.CanEncode(text)}, {segments} segment(s)");

                Assert.True(Gsm7.CanEncode(text), $"{language.Tag()}/{spec.Name} is not GSM-7: {text}");
                Assert.Equal(twoSegments.Contains((spec.Name, language)) ? 2 : 1, segments);
            }
        }
    }

    [Fact]
    public void Gsm7_SegmentsAndTransliteration()
    {
        Assert.Equal(1, Gsm7.Segments(new string('a', 160)));
        Assert.Equal(2, Gsm7.Segments(new string('a', 161)));
        Assert.Equal(2, Gsm7.Segments(new string('€', 81)));
        Assert.Equal(1, Gsm7.Segments(new string('ó', 70)));
        Assert.Equal(2, Gsm7.Segments(new string('ó', 71)));
        Assert.Equal("Electronica Crédito AÉIOU ñ ¿?", Gsm7.Transliterate("Electrónica Crédito ÁÉÍÓÚ ñ ¿?"));
        Assert.Equal("a?b", Gsm7.Transliterate("a→b"));
    }

    [Fact]
    public void Load_EditedCopy_NewTextWithoutRebuild()
    {
        CopyShipped();
        File.WriteAllText(Path.Combine(copy, "en", "recovery-code.sms.liquid"), "Bank: {{ code }} is your code ({{ expires_minutes }} min).\n");

        var n = NotificationTexts.Load(copy).RecoveryCodeSms("+34600000001", "048213", TimeSpan.FromMinutes(5), Language.English);

        Assert.Equal("Bank: 048213 is your code (5 min).", n.Text);
    }

    [Theory]
    [InlineData("es-ES", "recovery-code.sms.liquid", "Tu clave es {{ cod }}.", "names an unknown value")]
    [InlineData("es-ES", "recovery-code.sms.liquid", "Tu clave caduca en {{ expires_minutes }} min.", "lacks the required value {{ code }}")]
    [InlineData("en", "operation-code.sms.liquid", "Code {{ code }} for {{ description }}.", "lacks the required value {{ reference }}")]
    [InlineData("en", "recovery-user-code.html.liquid", "<p>{{ user_code | raw }}</p>", "without HTML escaping")]
    [InlineData("en", "recovery-user-code.txt.liquid", "Hello {{ display_name | shout }} {{ user_code }}", "names an unknown value or filter")]
    [InlineData("es-ES", "password-changed.subject.liquid", "Aviso {% if %}", "does not parse")]
    public void Validate_BrokenFile_ProblemNamesTheFile(string language, string file, string content, string problem)
    {
        CopyShipped();
        var path = Path.Combine(copy, language, file);
        File.WriteAllText(path, content);

        var error = Assert.Single(NotificationTexts.Validate(copy));

        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => NotificationTexts.Load(copy));
    }

    [Fact]
    public void Validate_MissingFile_Named()
    {
        CopyShipped();
        File.Delete(Path.Combine(copy, "en", "authenticator-code.sms.liquid"));

        var error = Assert.Single(NotificationTexts.Validate(copy));

        Assert.Contains(Path.Combine(copy, "en", "authenticator-code.sms.liquid") + " is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TextsDirectoryWithABrokenFile_RefusedNamingTheFile()
    {
        CopyShipped();
        File.WriteAllText(Path.Combine(copy, "es-ES", "recovery-code.sms.liquid"), "Tu clave es {{ pin }}.\n");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:Texts:Directory"] = copy });
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        builder.AddRecoveryNotifications();

        // Only the start-up validation is under test here, not the dispatcher and its dependencies.
        builder.Services.RemoveAll<IHostedService>();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains(ex.Failures, f => f.Contains(Path.Combine(copy, "es-ES", "recovery-code.sms.liquid"), StringComparison.Ordinal) && f.Contains("unknown value", StringComparison.Ordinal));
    }

    private void CopyShipped()
    {
        foreach (var language in Directory.GetDirectories(ShippedDirectory))
        {
            var target = Directory.CreateDirectory(Path.Combine(copy, Path.GetFileName(language))).FullName;
            foreach (var file in Directory.GetFiles(language))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
    }
}
