from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.document import build_document_html, render_pdf
from strategy.models import Strategy


class Command(BaseCommand):
    help = "Render a strategy's document to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("strategy_id", type=int)
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--html", help="Also write the HTML the PDF was rendered from.")

    def handle(self, *args, strategy_id, output, html=None, **options):
        try:
            strategy = Strategy.objects.select_related("partnership").get(pk=strategy_id)
        except Strategy.DoesNotExist:
            raise CommandError(f"No strategy with id {strategy_id}.") from None
        document = build_document_html(strategy)
        if html:
            Path(html).write_text(document, encoding="utf-8")
        pdf, pages = render_pdf(document)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote {output}: {pages} pages, {len(pdf):,} bytes.")
