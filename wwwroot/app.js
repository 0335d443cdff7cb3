// Small browser helpers called through JS interop.
window.referralStudio = {
    rememberTheme: function (cookie, value) {
        document.cookie = cookie + "=" + value + "; path=/; max-age=31536000; samesite=lax";
        document.documentElement.style.colorScheme = value;
    },
    copyText: async function (text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            // Clipboard API needs a secure context; fall back to a hidden textarea.
            const area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "absolute";
            area.style.left = "-9999px";
            document.body.appendChild(area);
            area.select();
            const ok = document.execCommand("copy");
            document.body.removeChild(area);
            return ok;
        }
    }
};
