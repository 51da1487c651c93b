from django.views.debug import SafeExceptionReporterFilter


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports that carry no submitted values and no local variables, DEBUG or not."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
