from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.document import build_document_html, render_pdf
from strategy.models import Strategy

FORMATS = {".pdf": "PDF", ".docx": "Word"}


class Command(BaseCommand):
    help = "Render a strategy's document to a file: a PDF, or Word when the file name ends in .docx."

    def add_arguments(self, parser):
        parser.add_argument("strategy_id", type=int)
        parser.add_argument("--output", required=True,
                            help="Where to write the document: FILE.pdf for the PDF, FILE.docx for Word.")
        parser.add_argument("--html", help="Also write the HTML the document was rendered from.")

    def handle(self, *args, strategy_id, output, html=None, **options):
        suffix = Path(output).suffix.lower()
        if suffix not in FORMATS:
            raise CommandError(
                f"Cannot tell the format from {output!r}: the output file must end in .pdf (PDF) or .docx (Word).")
        try:
            strategy = Strategy.objects.select_related("partnership").get(pk=strategy_id)
        except Strategy.DoesNotExist:
            raise CommandError(f"No strategy with id {strategy_id}.") from None
        document = build_document_html(strategy)
        if html:
            Path(html).write_text(document, encoding="utf-8")
        if suffix == ".docx":
            from partnerships.word import render_docx

            data = render_docx(document)
            Path(output).write_bytes(data)
            self.stdout.write(f"Wrote {output}: Word document, {len(data):,} bytes.")
            return
        pdf, pages = render_pdf(document)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote {output}: {pages} pages, {len(pdf):,} bytes.")
