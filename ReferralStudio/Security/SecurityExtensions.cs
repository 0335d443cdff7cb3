using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using ReferralStudio.Data;
using ReferralStudio.Storage;

namespace ReferralStudio.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Data Protection with its keys in <paramref name="defaultKeysPath"/> unless <c>DataProtection:KeysPath</c> says
    /// otherwise, so they outlive restarts and redeploys (the default, ~/.aspnet, does not exist for a service user
    /// without a home, and keys kept in memory would sign everyone out and lose every stored secret at each restart),
    /// in an owner-only folder, optionally encrypted with a certificate; and <see cref="StoredSecrets"/> over it.
    /// </summary>
    public static WebApplicationBuilder AddStoredSecrets(this WebApplicationBuilder builder, string defaultKeysPath)
    {
        var settings = builder.Configuration.GetSection(KeyStorageOptions.Section).Get<KeyStorageOptions>() ?? new();
        var keysPath = string.IsNullOrWhiteSpace(settings.KeysPath) ? defaultKeysPath : Path.GetFullPath(settings.KeysPath, builder.Environment.ContentRootPath);
        OwnerOnly.RestrictDirectory(keysPath);
        var protection = builder.Services.AddDataProtection()
            .SetApplicationName("ReferralStudio")
            .PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            protection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(
                Path.GetFullPath(settings.CertificatePath, builder.Environment.ContentRootPath), settings.CertificatePassword));
        }

        builder.Services.AddSingleton<StoredSecrets>();
        return builder;
    }

    /// <summary>Encrypts the secrets an earlier version stored in plain text, before anything reads them.</summary>
    public static async Task ProtectStoredSecretsAsync(this WebApplication app)
    {
        var contexts = app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var changed = await app.Services.GetRequiredService<StoredSecrets>().ProtectStoredSecretsAsync(db, default);
        if (changed > 0)
        {
            app.Logger.LogInformation("Encrypted {Count} stored secrets kept in plain text by an earlier version", changed);
        }
    }
}
