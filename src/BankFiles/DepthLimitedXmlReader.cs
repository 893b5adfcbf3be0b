using System.Xml;

namespace FlutHilfe.BankFiles;

/// <summary>
/// Delegating reader that refuses elements nested deeper than <c>maxDepth</c>. Needed because building an
/// <c>XElement</c> (<c>XNode.ReadFrom</c>) costs O(depth) per element: 100,000 nested elements (0.7 MB) take
/// ~20 s of CPU, i.e. quadratic time for a tiny hostile upload. Real camt.053 documents are ~15 levels deep.
/// </summary>
internal sealed class DepthLimitedXmlReader(XmlReader inner, int maxDepth) : XmlReader, IXmlLineInfo
{
    public override int AttributeCount => inner.AttributeCount;
    public override string BaseURI => inner.BaseURI;
    public override int Depth => inner.Depth;
    public override bool EOF => inner.EOF;
    public override bool IsEmptyElement => inner.IsEmptyElement;
    public override string LocalName => inner.LocalName;
    public override string NamespaceURI => inner.NamespaceURI;
    public override XmlNameTable NameTable => inner.NameTable;
    public override XmlNodeType NodeType => inner.NodeType;
    public override string Prefix => inner.Prefix;
    public override ReadState ReadState => inner.ReadState;
    public override string Value => inner.Value;
    public override bool HasValue => inner.HasValue;
    public override string Name => inner.Name;
    public override XmlReaderSettings? Settings => inner.Settings;

    public int LineNumber => inner is IXmlLineInfo li ? li.LineNumber : 0;
    public int LinePosition => inner is IXmlLineInfo li ? li.LinePosition : 0;

    public bool HasLineInfo() => inner is IXmlLineInfo li && li.HasLineInfo();

    public override bool Read()
    {
        var result = inner.Read();
        if (result && inner.Depth > maxDepth)
        {
            throw new XmlException($"elements are nested deeper than {maxDepth} levels", null, LineNumber, LinePosition);
        }

        return result;
    }

    public override string GetAttribute(int i) => inner.GetAttribute(i);
    public override string? GetAttribute(string name) => inner.GetAttribute(name);
    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
    public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);
    public override bool MoveToElement() => inner.MoveToElement();
    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
    public override bool ReadAttributeValue() => inner.ReadAttributeValue();
    public override void ResolveEntity() => inner.ResolveEntity();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
