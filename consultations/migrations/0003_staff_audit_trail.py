import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0002_encrypt_note'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='username')),
                ('action', models.CharField(choices=[('viewed', 'Viewed'), ('changed', 'Changed'), ('call_added', 'Call attempt logged'), ('call_changed', 'Call attempt changed'), ('call_deleted', 'Call attempt deleted'), ('exported', 'Exported'), ('deleted', 'Deleted'), ('purged', 'Personal data removed')], max_length=20, verbose_name='action')),
                ('request_id', models.PositiveBigIntegerField(verbose_name='request number')),
                ('changes', models.JSONField(blank=True, default=list, help_text='Changed fields; old and new values only for fields that hold no personal data.', verbose_name='changes')),
                ('via', models.CharField(blank=True, max_length=100, verbose_name='via')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['request_id', 'at'], name='consultatio_request_2cba18_idx')],
            },
        ),
    ]
