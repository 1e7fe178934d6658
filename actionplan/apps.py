from django.apps import AppConfig


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plan"

    def ready(self):
        from partnerships.contributions import contribute
        from partnerships.signals import membership_deactivated

        from .selectors import home_progress, home_round, home_unreachable
        from .services import flag_actions_of_departed_lead, register_documents

        contribute("partnership_home", home_progress)
        contribute("partnership_home", home_round)
        contribute("partnership_home", home_unreachable)
        register_documents()
        _files_and_retention()
        membership_deactivated.connect(flag_actions_of_departed_lead, dispatch_uid="actionplan.flag_departed_lead")


def _files_and_retention():
    from partnerships import retention
    from partnerships.uploads import delete_files_with_rows

    from .models import ActionUpdateFile, BoardPack, PlanImport, UpdateLink

    # Files go with their rows: an evidence file when its action is deleted, a board pack with its meeting.
    delete_files_with_rows(ActionUpdateFile, "file")
    delete_files_with_rows(BoardPack, "file")
    delete_files_with_rows(PlanImport, "file")  # normally deleted when the import ends already
    retention.register("board_pack", queryset=lambda: BoardPack.objects.all(), date_field="requested_at")
    retention.register("update_link", queryset=lambda: UpdateLink.objects.all(), date_field="expires_at")
    # An import's record keeps its figures and the rows that failed, which quote the spreadsheet.
    retention.register("plan_import", queryset=lambda: PlanImport.objects.all(), date_field="requested_at")
