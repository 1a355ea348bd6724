import polarisEn from "@shopify/polaris/locales/en.json";
import type { AdminLocale } from "./index";

/**
 * Polaris ships no Arabic dictionary (@shopify/polaris/locales has no ar.json), so the strings of the
 * components the admin uses are translated here; Polaris falls back to English for the rest (its I18n
 * merges an array of dictionaries, the first one winning).
 */
export const polarisAr = {
  Polaris: {
    ActionMenu: {
      Actions: { moreActions: "إجراءات أخرى" },
      RollupActions: { rollupButton: "عرض الإجراءات" },
    },
    ActionList: { SearchField: { clearButtonLabel: "مسح", search: "بحث", placeholder: "ابحث في الإجراءات" } },
    Avatar: { label: "صورة رمزية", labelWithInitials: "صورة رمزية بالأحرف الأولى {initials}" },
    Badge: {
      PROGRESS_LABELS: { incomplete: "غير مكتمل", partiallyComplete: "مكتمل جزئيًا", complete: "مكتمل" },
      TONE_LABELS: {
        info: "معلومة",
        success: "نجاح",
        warning: "تحذير",
        critical: "حرج",
        attention: "انتباه",
        new: "جديد",
        readOnly: "للقراءة فقط",
        enabled: "مفعّل",
      },
      progressAndTone: "{toneLabel} {progressLabel}",
    },
    Banner: { dismissButton: "إغلاق الإشعار" },
    Button: { spinnerAccessibilityLabel: "جارٍ التحميل" },
    Common: {
      checkbox: "خانة اختيار",
      undo: "تراجع",
      cancel: "إلغاء",
      clear: "مسح",
      close: "إغلاق",
      submit: "إرسال",
      more: "المزيد",
    },
    ContextualSaveBar: { save: "حفظ", discard: "تجاهل" },
    DiscardConfirmationModal: {
      title: "تجاهل كل التغييرات غير المحفوظة",
      message: "إذا تجاهلت التغييرات فستُحذف كل التعديلات منذ آخر حفظ.",
      primaryAction: "تجاهل التغييرات",
      secondaryAction: "متابعة التعديل",
    },
    EmptySearchResult: { altText: "لا توجد نتائج بحث" },
    Filters: {
      moreFilters: "مرشحات أخرى",
      moreFiltersWithCount: "مرشحات أخرى ({count})",
      filter: "تصفية {resourceName}",
      noFiltersApplied: "لا توجد مرشحات",
      cancel: "إلغاء",
      done: "تم",
      clearAllFilters: "مسح كل المرشحات",
      clear: "مسح",
      clearLabel: "مسح {filterName}",
      addFilter: "إضافة مرشح",
      clearFilters: "مسح الكل",
      searchInView: "في:{viewName}",
    },
    FilterPill: { clear: "مسح", unsavedChanges: "تغييرات غير محفوظة - {label}" },
    Loading: { label: "شريط تحميل الصفحة" },
    Page: {
      Header: {
        rollupActionsLabel: "عرض إجراءات {title}",
        pageReadyAccessibilityLabel: "{title}. الصفحة جاهزة",
      },
    },
    Pagination: { previous: "السابق", next: "التالي", pagination: "التنقل بين الصفحات" },
    ResourceList: {
      sortingLabel: "ترتيب حسب",
      defaultItemSingular: "عنصر",
      defaultItemPlural: "عناصر",
      showing: "عرض {itemsCount} {resource}",
      showingTotalCount: "عرض {itemsCount} من {totalItemsCount} {resource}",
      loading: "جارٍ تحميل {resource}",
      selected: "تم تحديد {selectedItemsCount}",
      emptySearchResultTitle: "لم يُعثر على {resourceNamePlural}",
      emptySearchResultDescription: "جرّب تغيير المرشحات أو كلمة البحث",
      selectButtonText: "تحديد",
      Item: {
        actionsDropdownLabel: "إجراءات {accessibilityLabel}",
        actionsDropdown: "قائمة الإجراءات",
        viewItem: "عرض تفاصيل {itemName}",
      },
      BulkActions: { actionsActivatorLabel: "إجراءات", moreActionsActivatorLabel: "إجراءات أخرى" },
    },
    SkeletonPage: { loadingLabel: "جارٍ تحميل الصفحة" },
    Tag: { ariaLabel: "إزالة {children}" },
    TextField: { characterCount: "{count} حرفًا", characterCountWithMaxLength: "{count} من {limit} حرفًا" },
    TooltipOverlay: { accessibilityLabel: "تلميح: {label}" },
    DataTable: {
      sortAccessibilityLabel: "ترتيب {direction} حسب",
      navAccessibilityLabel: "تمرير الجدول {direction} عمودًا واحدًا",
      totalsRowHeading: "الإجماليات",
      totalRowHeading: "الإجمالي",
    },
  },
};

/** What app.tsx passes to the AppProvider's `i18n` for the admin's locale. */
export function polarisTranslations(locale: AdminLocale) {
  return locale === "ar" ? [polarisAr, polarisEn] : polarisEn;
}
