using System.CodeDom.Compiler;
using System.IO;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>An indenting writer that always ends lines with <c>\n</c>, whatever the machine.</summary>
internal sealed class SourceWriter
{
    private readonly StringWriter _text = new(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
    private readonly IndentedTextWriter _writer;

    public SourceWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

    private bool _blank;

    public void WriteLine(string line)
    {
        _writer.WriteLine(line);
        _blank = false;
    }

    /// <summary>
    /// An empty line, written without indentation so no line has trailing spaces; never two in a row, so an emitter
    /// can separate optional sections without tracking which of them were written.
    /// </summary>
    public void WriteLine()
    {
        if (!_blank)
        {
            _writer.WriteLineNoTabs("");
            _blank = true;
        }
    }

    public void OpenBlock(string header)
    {
        _writer.WriteLine(header);
        _writer.WriteLine("{");
        _writer.Indent++;
        _blank = false;
    }

    /// <summary>A block with no header: a scope for locals of their own.</summary>
    public void OpenScope()
    {
        _writer.WriteLine("{");
        _writer.Indent++;
        _blank = false;
    }

    /// <param name="suffix">Text after the brace, e.g. <c>;</c> to end an initializer.</param>
    public void CloseBlock(string suffix = "")
    {
        _writer.Indent--;
        _writer.WriteLine("}" + suffix);
        _blank = false;
    }

    public override string ToString() => _text.ToString();
}
